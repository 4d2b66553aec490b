function Copy-ResyncToSession {
    <#
    .SYNOPSIS
    Verified, atomic delivery of one file to a folder on a remote computer through a PSSession.
    .DESCRIPTION
    Hashes the source, refuses it if it no longer matches -Sha256, copies it to a temporary name in
    the remote folder (Copy-Item -ToSession), has the remote side hash it, keeps an existing final
    file under a stamped name, and renames the copy into place only when the hashes match. On any
    failure the temporary file is removed and an earlier final file is left as it was.
    The names (temporary, final, stamped) and the next step come from the engine's copy-plan
    command, the rules its own delivery follows, so both give one ResyncGlb.CopyResult shape; the
    remote side only writes, hashes and renames. The remote script uses only PowerShell 2.0
    language and .NET 2.0 calls.
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

    # The same properties, in the same order, as the engine's ResyncGlb.CopyResult (src/copy/types.ts).
    $result = [ordered]@{
        Source           = $Source
        Destination      = "$($Session.ComputerName):$Folder"
        Length           = $null
        Sha256           = $null
        Verified         = $false
        BackupPath       = $null
        NextStep         = $null
        NextStepCommands = @()
        Note             = $null
        RequestorType    = $RequestorType
        Status           = 'Failed'
        Error            = $null
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
        $plan = @(Invoke-ResyncBundle -Cmdlet $Cmdlet -Command 'copy-plan' -Parameters @{ destination = $Folder; requestorType = $RequestorType } -Collect)[0]
        $backupNames = [string[]]@($plan.BackupNames)
        $prepare = Invoke-Command -Session $Session -ErrorAction Stop -ArgumentList $Folder, ([string]$plan.TempName) -ScriptBlock {
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
        $outcome = Invoke-Command -Session $Session -ErrorAction Stop -ArgumentList $Folder, $prepare.temp, ([string]$plan.FinalName), $localHash, $backupNames -ScriptBlock {
            param($folder, $temp, $finalName, $expected, $backupNames)
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
                    # The first free stamped name; File.Move never replaces one that appeared meanwhile.
                    foreach ($name in $backupNames) {
                        $candidate = [System.IO.Path]::Combine($folder, $name)
                        if ([System.IO.File]::Exists($candidate) -or [System.IO.Directory]::Exists($candidate)) { continue }
                        [System.IO.File]::Move($final, $candidate)
                        $backup = $candidate
                        break
                    }
                    if (-not $backup) {
                        [System.IO.File]::Delete($temp)
                        return @{ ok = $false; id = 'DestinationNotWritable'; message = "No free stamped name for $final on $env:COMPUTERNAME; nothing was replaced." }
                    }
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
        $result.NextStep = [string]$plan.NextStep
        $result.NextStepCommands = @($plan.NextStepCommands)
        $result.Note = [string]$plan.Note
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
            # Remove the partial temporary file so an earlier final file is the only one there.
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
