# ---------------------------------------------------------------------------------------------
# Files on the DSS: the file core (stat, open-for-write test, hash, chunked read, verified delete)
# ---------------------------------------------------------------------------------------------

function Get-DssFileCore {
    <#
    .SYNOPSIS
        The core scriptblock for the file scripts (stat, open-for-write test, hash, chunked read,
        verified delete) and for the version of the DXA binary (environment strings expanded where
        the core runs). PowerShell 2.0 and .NET 2.0 only; runs on the DSS under Remoting.
    .DESCRIPTION
        "Open for write" means: opening the file for reading while denying write sharing
        (FileShare.Read) fails with a sharing violation (Win32 32 or 33), so some process holds it
        open with write access. Reads for hashing and chunking deny writers the same way, so a
        file still being written is never read; the verified delete opens the file exclusively,
        checks length, time stamp and SHA-256 against what the caller received, then deletes it.
        Time stamps travel as UTC tick strings, which JSON numbers cannot carry exactly.
    #>
    return {
        param([string]$Action, [string]$Path, [long]$Offset, [int]$Count, [long]$ExpectLength, [string]$ExpectTicks, [string]$ExpectSha256)
        $ErrorActionPreference = 'Stop'
        $inv = [System.Globalization.CultureInfo]::InvariantCulture
        $machine = [Environment]::MachineName
        $describe = {
            param($fi)
            return @{ exists = $true; length = $fi.Length; lastWriteTimeUtc = $fi.LastWriteTimeUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", $inv); lastWriteTicks = $fi.LastWriteTimeUtc.Ticks.ToString($inv) }
        }
        $isSharing = {
            param($err)
            $e = $err.Exception
            while ($null -ne $e) {
                if ($e -is [System.IO.IOException]) {
                    $c = [System.Runtime.InteropServices.Marshal]::GetHRForException($e) -band 0xFFFF
                    if ($c -eq 32 -or $c -eq 33) { return $true }
                    # .NET on Unix (tests here) maps FileShare to flock: a conflict is EWOULDBLOCK (11).
                    if ($c -eq 11 -and [string][Environment]::OSVersion.Platform -eq 'Unix') { return $true }
                }
                $e = $e.InnerException
            }
            return $false
        }
        $open = {
            param([string]$p, [string]$access, [string]$share)
            return (New-Object System.IO.FileStream($p, [System.IO.FileMode]::Open, [System.IO.FileAccess]$access, [System.IO.FileShare]$share))
        }
        $missing = @{ ok = $false; error = @{ id = 'SourceNotFound'; category = 'ObjectNotFound'; target = $Path; message = ($Path + ' does not exist on ' + $machine + '.') } }
        # A sharing violation is another process's open handle (the DXA still writing, or a reader
        # such as an antivirus scan, the indexer, a backup agent, Explorer's preview): FileInUse,
        # never Busy, which means another ResyncGlb run.
        $busy = @{ ok = $false; error = @{ id = 'FileInUse'; category = 'ResourceBusy'; target = $Path; message = ($Path + ' is held open for writing by another process on ' + $machine + '.') } }
        $inUse = @{ ok = $false; error = @{ id = 'FileInUse'; category = 'ResourceBusy'; target = $Path; message = ($Path + ' is open in another process on ' + $machine + ' (a reader such as an antivirus scan, the indexer, a backup agent or Explorer''s preview), so it cannot be deleted yet.') } }
        $hex = {
            param([byte[]]$bytes)
            return [System.BitConverter]::ToString($bytes).Replace('-', '')
        }
        # On a FIPS-mode DSS under .NET 2.0/3.5, SHA256.Create() gives SHA256Managed, which throws;
        # the CryptoServiceProvider (.NET 3.5 and later) is FIPS-validated: prefer it where it exists.
        $newSha = {
            $csp = 'System.Security.Cryptography.SHA256CryptoServiceProvider' -as [type]
            if ($null -eq $csp) {
                # .NET 3.5 keeps it in System.Core, which a PowerShell 2.0 runspace may not have loaded.
                try { $null = [System.Reflection.Assembly]::LoadWithPartialName('System.Core') } catch { }
                $csp = 'System.Security.Cryptography.SHA256CryptoServiceProvider' -as [type]
            }
            if ($null -ne $csp) { return (New-Object System.Security.Cryptography.SHA256CryptoServiceProvider) }
            return [System.Security.Cryptography.SHA256]::Create()
        }

        if ($Action -eq 'Stat') {
            $fi = New-Object System.IO.FileInfo($Path)
            if (-not $fi.Exists) { return @{ ok = $true; data = @{ exists = $false } } }
            return @{ ok = $true; data = (& $describe $fi) }
        }
        if ($Action -eq 'Version') {
            # A binary's file version, null when it cannot be read (not there, no version resource).
            $version = $null
            try {
                $binary = [Environment]::ExpandEnvironmentVariables($Path)
                if ([System.IO.File]::Exists($binary)) {
                    $info = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($binary)
                    if (-not ($info.FileMajorPart -eq 0 -and $info.FileMinorPart -eq 0 -and $info.FileBuildPart -eq 0)) {
                        $version = [string]$info.FileMajorPart + '.' + [string]$info.FileMinorPart + '.' + [string]$info.FileBuildPart + '.' + [string]$info.FilePrivatePart
                    }
                }
            } catch {
                $version = $null
            }
            return @{ ok = $true; data = @{ version = $version } }
        }
        if (-not [System.IO.File]::Exists($Path)) {
            if ($Action -eq 'OpenForWrite') { return @{ ok = $true; data = @{ exists = $false; openForWrite = $false } } }
            return $missing
        }
        if ($Action -eq 'OpenForWrite') {
            try {
                $fs = & $open $Path 'Read' 'Read'
                $fs.Close()
                return @{ ok = $true; data = @{ exists = $true; openForWrite = $false } }
            } catch {
                if (& $isSharing $_) { return @{ ok = $true; data = @{ exists = $true; openForWrite = $true } } }
                throw
            }
        }
        if ($Action -eq 'Hash') {
            try { $fs = & $open $Path 'Read' 'Read' } catch { if (& $isSharing $_) { return $busy }; throw }
            try {
                $sha = & $newSha
                $digest = $sha.ComputeHash($fs)
                $length = $fs.Length
            } finally {
                $fs.Close()
            }
            $data = & $describe (New-Object System.IO.FileInfo($Path))
            $data['length'] = $length
            $data['sha256'] = & $hex $digest
            return @{ ok = $true; data = $data }
        }
        if ($Action -eq 'Chunk') {
            try { $fs = & $open $Path 'Read' 'Read' } catch { if (& $isSharing $_) { return $busy }; throw }
            try {
                $length = $fs.Length
                $want = $Count
                if ($Offset + $want -gt $length) { $want = [int][Math]::Max(0, $length - $Offset) }
                $buffer = New-Object byte[] $want
                $got = 0
                if ($want -gt 0) {
                    $null = $fs.Seek($Offset, [System.IO.SeekOrigin]::Begin)
                    while ($got -lt $want) {
                        $n = $fs.Read($buffer, $got, $want - $got)
                        if ($n -le 0) { break }
                        $got += $n
                    }
                }
            } finally {
                $fs.Close()
            }
            return @{ ok = $true; data = @{ offset = $Offset; bytes = $got; length = $length; eof = ($Offset + $got -ge $length); base64 = [System.Convert]::ToBase64String($buffer, 0, $got) } }
        }
        if ($Action -eq 'Remove') {
            try { $fs = & $open $Path 'Read' 'None' } catch { if (& $isSharing $_) { return $inUse }; throw }
            try {
                $sha = & $newSha
                $digest = & $hex ($sha.ComputeHash($fs))
                $length = $fs.Length
            } finally {
                $fs.Close()
            }
            $fi = New-Object System.IO.FileInfo($Path)
            $ticks = $fi.LastWriteTimeUtc.Ticks.ToString($inv)
            if ($length -ne $ExpectLength -or $ticks -ne $ExpectTicks -or $digest -ne $ExpectSha256) {
                return @{ ok = $false; error = @{ id = 'SourceChanged'; category = 'InvalidData'; target = $Path; message = ($Path + ' changed on ' + $machine + ' while it was being copied (now ' + $length + ' bytes, SHA-256 ' + $digest + '); it was left in place.') } }
            }
            [System.IO.File]::Delete($Path)
            return @{ ok = $true; data = @{ removed = $true } }
        }
        return @{ ok = $false; error = @{ id = 'ProtocolError'; category = 'InvalidArgument'; target = $Action; message = ('Unknown file action ' + $Action + '.') } }
    }
}

function Invoke-DssFileAction {
    <#
    .SYNOPSIS
        Runs the file core for a request over its transport (the body of the file scripts). Under
        Rpc, drive-letter paths on the DSS are reached over its administrative share.
    #>
    param(
        [Parameter(Mandatory=$true)][hashtable]$Request,
        [Parameter(Mandatory=$true)][ValidateSet('Stat', 'OpenForWrite', 'Hash', 'Chunk', 'Remove')][string]$Action
    )
    $path = Get-DssRequestField -Request $Request -Name 'path'
    $offset = [long]0
    $count = 0
    if ($Action -eq 'Chunk') {
        $offset = [long](Get-DssRequestField -Request $Request -Name 'offset')
        $count = [int](Get-DssRequestField -Request $Request -Name 'count')
    }
    $expectLength = [long]0
    $expectTicks = ''
    $expectSha = ''
    if ($Action -eq 'Remove') {
        $expectLength = [long](Get-DssRequestField -Request $Request -Name 'length')
        $expectTicks = [string](Get-DssRequestField -Request $Request -Name 'lastWriteTicks')
        $expectSha = ([string](Get-DssRequestField -Request $Request -Name 'sha256')).ToUpperInvariant()
    }
    if ([string]$Request['transport'] -eq 'Rpc') {
        $computer = Get-DssRequestField -Request $Request -Name 'computerName'
        $path = ConvertTo-DssAdminSharePath -Path $path -ComputerName $computer
    }
    return (Invoke-DssCore -Request $Request -Core (Get-DssFileCore) -ArgumentList @($Action, $path, $offset, $count, $expectLength, $expectTicks, $expectSha))
}
