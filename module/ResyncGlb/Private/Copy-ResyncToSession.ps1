function Copy-ResyncToSession {
    <#
    .SYNOPSIS
    Verified, atomic delivery of one file to a folder on a remote computer through a PSSession.
    .DESCRIPTION
    Hashes the source, refuses it if it no longer matches -Sha256, copies it to a temporary name in
    the remote folder (Copy-Item -ToSession), has the remote side hash it, keeps an existing
    RESYNC.GLB under a timestamped name, and renames the copy into place only when the hashes match.
    On any failure the temporary file is removed and an earlier RESYNC.GLB is left as it was.
    The remote script uses only PowerShell 2.0 language and .NET 2.0 calls.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $Source,
        [string] $Sha256,
        [Parameter(Mandatory = $true)] [System.Management.Automation.Runspaces.PSSession] $Session,
        [Parameter(Mandatory = $true)] [string] $Folder,
        [string] $RequestorType = 'MSMail'
    )

    $finalName = 'RESYNC.GLB'
    if ($RequestorType -eq 'Exchange') { $finalName = 'Resync.glb' }
    $result = [ordered]@{
        Source        = $Source
        Destination   = "$($Session.ComputerName):$Folder"
        Length        = $null
        Sha256        = $null
        Verified      = $false
        BackupPath    = $null
        NextStep      = $null
        RequestorType = $RequestorType
        Status        = 'Failed'
        Error         = $null
    }
    $failure = $null
    $remoteTemp = $null
    try {
        if (-not [System.IO.File]::Exists($Source)) {
            $failure = New-ResyncErrorRecord -Id 'SourceNotFound' -Category 'ObjectNotFound' -Message "The source '$Source' does not exist." -Target $Source
            return
        }
        $stream = [System.IO.File]::OpenRead($Source)
        try {
            # The CryptoServiceProvider is FIPS-validated; SHA256.Create() is SHA256Managed on .NET
            # Framework, which throws when FIPS mode is on.
            $hasher = New-Object System.Security.Cryptography.SHA256CryptoServiceProvider
            $localHash = [System.BitConverter]::ToString($hasher.ComputeHash($stream)).Replace('-', '')
            $length = $stream.Length
        }
        finally {
            $stream.Dispose()
        }
        if ($Sha256 -and $localHash -ne $Sha256.ToUpperInvariant()) {
            $failure = New-ResyncErrorRecord -Id 'SourceChanged' -Category 'InvalidData' -Message "The source '$Source' no longer matches the expected SHA-256 $Sha256 (it is $localHash); nothing was copied." -Target $Source
            return
        }
        $stamp = [DateTime]::UtcNow.ToString('yyyyMMddTHHmmssfffZ', [System.Globalization.CultureInfo]::InvariantCulture)
        $tempName = ".RESYNC.GLB.tmp-$stamp"
        $prepare = Invoke-Command -Session $Session -ErrorAction Stop -ArgumentList $Folder, $tempName -ScriptBlock {
            param($folder, $tempName)
            if (-not [System.IO.Directory]::Exists($folder)) { return @{ ok = $false; id = 'DestinationNotFound'; message = "The folder '$folder' does not exist on $env:COMPUTERNAME." } }
            @{ ok = $true; temp = [System.IO.Path]::Combine($folder, $tempName) }
        }
        if (-not $prepare.ok) {
            $failure = New-ResyncErrorRecord -Id $prepare.id -Category 'ObjectNotFound' -Message $prepare.message -Target $Folder
            return
        }
        $remoteTemp = $prepare.temp
        Copy-Item -LiteralPath $Source -Destination $prepare.temp -ToSession $Session -ErrorAction Stop
        $outcome = Invoke-Command -Session $Session -ErrorAction Stop -ArgumentList $Folder, $prepare.temp, $finalName, $localHash, $stamp -ScriptBlock {
            param($folder, $temp, $finalName, $expected, $stamp)
            $final = [System.IO.Path]::Combine($folder, $finalName)
            $backup = $null
            try {
                $fs = [System.IO.File]::Open($temp, 'Open', 'ReadWrite', 'None')
                try {
                    # FIPS mode on .NET 2.0/3.5: SHA256Managed (SHA256.Create()) throws; prefer the CSP.
                    $cspType = 'System.Security.Cryptography.SHA256CryptoServiceProvider' -as [type]
                    if ($null -eq $cspType) {
                        try { $null = [System.Reflection.Assembly]::LoadWithPartialName('System.Core') } catch { }
                        $cspType = 'System.Security.Cryptography.SHA256CryptoServiceProvider' -as [type]
                    }
                    if ($null -ne $cspType) { $sha = New-Object System.Security.Cryptography.SHA256CryptoServiceProvider } else { $sha = [System.Security.Cryptography.SHA256]::Create() }
                    # Opened without sharing, so no other writer holds it while it is hashed. (.NET 2.0,
                    # which a PowerShell 2.0 DSS runs, has no FileStream.Flush(true) to force it to disk.)
                    $hash = [System.BitConverter]::ToString($sha.ComputeHash($fs)).Replace('-', '')
                }
                finally {
                    $fs.Close()
                }
                if ($hash -ne $expected) {
                    [System.IO.File]::Delete($temp)
                    return @{ ok = $false; id = 'HashMismatch'; message = "The copy on $env:COMPUTERNAME hashes to $hash, not $expected; it was removed." }
                }
                if ([System.IO.File]::Exists($final)) {
                    $backup = [System.IO.Path]::Combine($folder, ('RESYNC.' + $stamp + '.GLB'))
                    [System.IO.File]::Move($final, $backup)
                }
                try {
                    [System.IO.File]::Move($temp, $final)
                }
                catch {
                    if ($backup) { [System.IO.File]::Move($backup, $final); $backup = $null }
                    throw
                }
                @{ ok = $true; final = $final; backup = $backup; hash = $hash }
            }
            catch {
                if ([System.IO.File]::Exists($temp)) { [System.IO.File]::Delete($temp) }
                @{ ok = $false; id = 'DestinationNotWritable'; message = $_.Exception.Message }
            }
        }
        if (-not $outcome.ok) {
            $failure = New-ResyncErrorRecord -Id $outcome.id -Category 'WriteError' -Message $outcome.message -Target $Folder
            return
        }
        $result.Destination = "$($Session.ComputerName):$($outcome.final)"
        $result.Length = $length
        $result.Sha256 = $outcome.hash
        $result.Verified = $true
        $result.BackupPath = $outcome.backup
        $result.Status = 'Copied'
        if ($RequestorType -eq 'MSMail') {
            # The remote folder is in the remote computer's path syntax, so split on both separators
            # rather than this computer's rules: <postoffice>\MAILDATA\GLB -> <postoffice>.
            $postoffice = $Folder.TrimEnd('\', '/') -replace '[\\/][^\\/]+[\\/][^\\/]+$', ''
            $result.NextStep = "At the postoffice on $($Session.ComputerName): import admin -p<password> -q -y -d$postoffice ; then: rebuild -f -d$postoffice (KB Q96060; Rebuild fails with error 203 while users are signed in). Run the import before new local changes and re-enter those made since the last confirmed cycle (Q119450, Q119452); locally defined external and gateway addresses are lost (Q105125); 'Error [ 44] Gateway not installed' may be ignored (Q122751); a drive letter is the safe -d."
        }
    }
    catch {
        $reason = $_.Exception.Message
        if ($Session.State -ne 'Opened') {
            $left = ''
            if ($remoteTemp) { $left = " A partial copy '$remoteTemp' may remain there." }
            $failure = New-ResyncErrorRecord -Id 'ConnectionLost' -Category 'ConnectionError' -Message "Delivery to $Folder on $($Session.ComputerName) failed: $reason$left" -Target $Folder
        }
        else {
            # The session is fine: the remote folder refused the copy (full, read-only, no access).
            # Remove the partial temporary file so an earlier RESYNC.GLB is the only one there.
            $cleanup = ''
            if ($remoteTemp) {
                try {
                    Invoke-Command -Session $Session -ErrorAction Stop -ArgumentList $remoteTemp -ScriptBlock {
                        param($temp)
                        if ([System.IO.File]::Exists($temp)) { [System.IO.File]::Delete($temp) }
                    }
                }
                catch {
                    $cleanup = " The partial copy '$remoteTemp' could not be removed: $($_.Exception.Message)"
                }
            }
            $id = 'DestinationNotWritable'
            $category = 'PermissionDenied'
            if ($reason -match 'No space left|not enough space|disk is full') {
                $id = 'DiskFull'
                $category = 'WriteError'
            }
            $failure = New-ResyncErrorRecord -Id $id -Category $category -Message "Delivery to $Folder on $($Session.ComputerName) failed: $reason$cleanup" -Target $Folder
        }
    }
    finally {
        if ($null -ne $failure) {
            $result.Error = [pscustomobject]@{ Id = $failure.FullyQualifiedErrorId.Split(',')[0].Replace('ResyncGlb.', ''); Category = [string]$failure.CategoryInfo.Category; Message = $failure.Exception.Message }
        }
        $object = [pscustomobject]$result
        $object.PSObject.TypeNames.Insert(0, 'ResyncGlb.CopyResult')
        $Cmdlet.WriteObject($object)
        if ($null -ne $failure) { $Cmdlet.WriteError($failure) }
    }
}
