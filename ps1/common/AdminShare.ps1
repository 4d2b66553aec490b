# ---------------------------------------------------------------------------------------------
# The administrative share (Rpc transport): paths, access checks, free space
# ---------------------------------------------------------------------------------------------

function ConvertTo-DssAdminSharePath {
    <#
    .SYNOPSIS
        A path on the DSS as the workstation reaches it over the administrative share:
        C:\exchsrvr\Dxadata on DSS01 -> \\DSS01\C$\exchsrvr\Dxadata. UNC paths are kept.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Path,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    if ($Path.StartsWith('\\')) { return $Path }
    if ($Path -match '^([A-Za-z]):(\\.*)?$') {
        $rest = ''
        if ($Matches[2]) { $rest = $Matches[2] }
        return '\\' + $ComputerName + '\' + $Matches[1].ToUpperInvariant() + '$' + $rest
    }
    throw (New-DssException -Id 'InvalidPath' -Message ('"' + $Path + '" is not an absolute path on the DSS (a drive letter path or a UNC path).') -Target $Path)
}

function Invoke-DssShareProbe {
    <#
    .SYNOPSIS
        Lists the root of a share (\\computer\C$\): throws when the share cannot be used. A
        function of its own so Pester can replace it.
    .DESCRIPTION
        Test-Path cannot be used for this: it answers $false for access denied, a disabled C$,
        blocked SMB and a missing SMB1 client alike, which would all look like "Dxadata not found".
    #>
    param([Parameter(Mandatory=$true)][string]$Root)
    $null = [System.IO.Directory]::GetDirectories($Root)
}

function Get-DssShareRoot {
    <#
    .SYNOPSIS
        \\computer\share\ of a UNC path; $null for anything else.
    #>
    param([Parameter(Mandatory=$true)][string]$Path)
    if ($Path -match '^(\\\\[^\\]+\\[^\\]+)') { return ($Matches[1] + '\') }
    return $null
}

function Resolve-DssShareFailure {
    <#
    .SYNOPSIS
        Classifies a failure to use \\computer\share (the admin share or the remote registry, both
        over SMB) with the share named: AccessDenied, or SmbUnavailable with the likely cause.
    .DESCRIPTION
        Win32 codes (winerror.h): 5/1326/... access; 67 ERROR_BAD_NET_NAME (no such share: C$ removed
        or administrative shares disabled); 53 ERROR_BAD_NETPATH, 64 ERROR_NETNAME_DELETED, 51, 59,
        1231, 2250 (SMB could not talk to the host: TCP 445/139 blocked, host off, or a workstation
        without the SMB1 client talking to NT 4.0/2000/2003, which speak only SMB1).
    #>
    param(
        [Parameter(Mandatory=$true)]$ErrorRecord,
        [Parameter(Mandatory=$true)][string]$Share,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    $ex = $ErrorRecord
    if ($ErrorRecord -is [System.Management.Automation.ErrorRecord]) { $ex = $ErrorRecord.Exception }
    $codes = Get-DssErrorCodes -Exception $ex
    $inner = $ex
    while ($null -ne $inner.InnerException) { $inner = $inner.InnerException }
    $why = [string]$inner.Message
    $typeNames = @()
    foreach ($e in (Get-DssExceptionChain -Exception $ex)) { $typeNames += $e.GetType().FullName }
    $access = ($typeNames -contains 'System.UnauthorizedAccessException')
    foreach ($c in $codes) { if (@(5, 86, 1219, 1326, 1327, 1328, 1329, 1330, 1331, 1909, 2202) -contains $c) { $access = $true } }
    if ($access) {
        return (New-DssFailure -Id 'AccessDenied' -Category 'PermissionDenied' -Target $Share -Message ('Access to ' + $Share + ' was denied (' + $why + '): the account must be an administrator on ' + $ComputerName + '; give -Credential with one.'))
    }
    $code = $null
    foreach ($c in $codes) { if (@(51, 53, 59, 64, 67, 1231, 1232, 2250) -contains $c) { $code = $c; break } }
    if ($code -eq 67) {
        return (New-DssFailure -Id 'SmbUnavailable' -Category 'ConnectionError' -Target $Share -Message ('The share ' + $Share + ' does not exist (error 67: ' + $why + '): the administrative shares are disabled on ' + $ComputerName + ' (AutoShareServer or AutoShareWks set to 0) or the drive has no share. Enable them, or give -DxadataPath as a UNC path to a share you can use.'))
    }
    if ($null -ne $code) {
        return (New-DssFailure -Id 'SmbUnavailable' -Category 'ConnectionError' -Target $Share -Message ($Share + ' cannot be reached over SMB (error ' + $code + ': ' + $why + '). Either TCP 445 and 139 to ' + $ComputerName + ' are blocked, or, for an NT 4.0, 2000 or 2003 DSS, this workstation lacks the SMB1 client (off by default since Windows 10 1709 and Server 2019; see docs/INSTALL.md, Prerequisites).'))
    }
    return (New-DssFailure -Id 'SmbUnavailable' -Category 'ConnectionError' -Target $Share -Message ($Share + ' cannot be used: ' + $why))
}

function Test-DssShareAccess {
    <#
    .SYNOPSIS
        $null when the share holding a UNC path can be listed, else the classified failure.
    #>
    param([Parameter(Mandatory=$true)][string]$Path, [Parameter(Mandatory=$true)][string]$ComputerName)
    $root = Get-DssShareRoot -Path $Path
    if ($null -eq $root) { return $null }
    try {
        Invoke-DssShareProbe -Root $root
        return $null
    } catch {
        return (Resolve-DssShareFailure -ErrorRecord $_ -Share $root.TrimEnd('\') -ComputerName $ComputerName)
    }
}

function Get-DssUncFreeBytes {
    <#
    .SYNOPSIS
        Free bytes for the caller on the volume holding a path (also UNC paths); $null when unknown.
    #>
    param([Parameter(Mandatory=$true)][string]$Path)
    try {
        if (-not ('ResyncGlb.DssDisk' -as [type])) {
            Add-Type -Namespace ResyncGlb -Name DssDisk -MemberDefinition '[System.Runtime.InteropServices.DllImport("kernel32.dll", CharSet = System.Runtime.InteropServices.CharSet.Unicode, SetLastError = true)] public static extern bool GetDiskFreeSpaceEx(string directoryName, out ulong freeBytesAvailable, out ulong totalBytes, out ulong totalFreeBytes);'
        }
        $free = [uint64]0
        $total = [uint64]0
        $totalFree = [uint64]0
        $dir = $Path
        if (-not $dir.EndsWith('\')) { $dir = $dir + '\' }
        if ([ResyncGlb.DssDisk]::GetDiskFreeSpaceEx($dir, [ref]$free, [ref]$total, [ref]$totalFree)) { return [long]$free }
    } catch {
        return $null
    }
    return $null
}
