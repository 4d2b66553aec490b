# ---------------------------------------------------------------------------------------------
# Failures with a ResyncGlb error id (src/shared/errors.ts), and any failure mapped to one
# ---------------------------------------------------------------------------------------------

function New-DssException {
    <#
    .SYNOPSIS
        Builds an exception that carries a ResyncGlb error id (src/shared/errors.ts) and a target.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Id,
        [Parameter(Mandatory=$true)][string]$Message,
        [string]$Target
    )
    $ex = New-Object System.InvalidOperationException($Message)
    $ex.Data['ResyncGlbId'] = $Id
    $ex.Data['ResyncGlbTarget'] = $Target
    return $ex
}

function New-DssFailure {
    <#
    .SYNOPSIS
        The hashtable a core scriptblock or a script returns for an expected failure.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Id,
        [Parameter(Mandatory=$true)][string]$Message,
        [string]$Target,
        [string]$Category = 'NotSpecified'
    )
    return @{ ok = $false; error = @{ id = $Id; category = $Category; message = $Message; target = $Target } }
}

function Get-DssExceptionChain {
    param([Parameter(Mandatory=$true)]$Exception)
    $chain = New-Object System.Collections.ArrayList
    $e = $Exception
    $depth = 0
    while ($null -ne $e -and $depth -lt 10) {
        [void]$chain.Add($e)
        $e = $e.InnerException
        $depth++
    }
    return ,($chain.ToArray())
}

function Get-DssErrorCodes {
    <#
    .SYNOPSIS
        The Win32 error codes found along an exception chain (Win32Exception, HRESULT 0x8007xxxx,
        PSRemotingTransportException.ErrorCode).
    #>
    param([Parameter(Mandatory=$true)]$Exception)
    $codes = New-Object System.Collections.ArrayList
    foreach ($e in (Get-DssExceptionChain -Exception $Exception)) {
        if ($e -is [System.ComponentModel.Win32Exception]) { [void]$codes.Add([int]$e.NativeErrorCode) }
        $typeName = $e.GetType().FullName
        if ($typeName -eq 'System.Management.Automation.Remoting.PSRemotingTransportException') {
            [void]$codes.Add([int]$e.ErrorCode)
        }
        $hr = [System.Runtime.InteropServices.Marshal]::GetHRForException($e)
        if (($hr -band 0xFFFF0000) -eq 0x80070000) { [void]$codes.Add([int]($hr -band 0xFFFF)) }
    }
    return ,($codes.ToArray())
}

function Resolve-DssFailure {
    <#
    .SYNOPSIS
        Turns an ErrorRecord into a failure hashtable with a ResyncGlb error id.
    .PARAMETER Phase
        'Connect' while a session is being opened (network errors mean HostUnreachable), 'Run'
        afterwards (network errors mean ConnectionLost).
    #>
    param(
        [Parameter(Mandatory=$true)]$ErrorRecord,
        [ValidateSet('Connect', 'Run')][string]$Phase = 'Run',
        [string]$Target
    )
    $ex = $ErrorRecord
    if ($ErrorRecord -is [System.Management.Automation.ErrorRecord]) { $ex = $ErrorRecord.Exception }
    $category = 'NotSpecified'
    if ($ErrorRecord -is [System.Management.Automation.ErrorRecord]) { $category = [string]$ErrorRecord.CategoryInfo.Category }
    $message = [string]$ex.Message
    $chain = Get-DssExceptionChain -Exception $ex

    foreach ($e in $chain) {
        if ($null -ne $e.Data -and $e.Data.Contains('ResyncGlbId')) {
            $t = $Target
            if ($e.Data['ResyncGlbTarget']) { $t = [string]$e.Data['ResyncGlbTarget'] }
            return (New-DssFailure -Id ([string]$e.Data['ResyncGlbId']) -Message ([string]$e.Message) -Target $t -Category $category)
        }
    }

    # Win32 codes (winerror.h, lmerr.h) grouped by what they mean for a ResyncGlb run.
    $accessCodes = @(5, 86, 1219, 1326, 1327, 1328, 1329, 1330, 1331, 1909, 2202)
    $networkCodes = @(51, 53, 59, 64, 67, 121, 1231, 1232, 1236, 1722, 1723, 1726, 1727, 2250, 11001, 11004)
    $codes = Get-DssErrorCodes -Exception $ex
    $typeNames = @()
    foreach ($e in $chain) { $typeNames += $e.GetType().FullName }
    $reason = ''
    if ($ErrorRecord -is [System.Management.Automation.ErrorRecord]) { $reason = [string]$ErrorRecord.CategoryInfo.Reason }

    $access = $false
    foreach ($c in $codes) { if ($accessCodes -contains $c) { $access = $true } }
    if ($typeNames -contains 'System.UnauthorizedAccessException' -or $typeNames -contains 'System.Security.SecurityException') { $access = $true }
    if ($reason -eq 'UnauthorizedAccessException' -or $reason -eq 'SecurityException') { $access = $true }
    if ($access) { return (New-DssFailure -Id 'AccessDenied' -Message $message -Target $Target -Category $category) }

    $network = $false
    foreach ($c in $codes) { if ($networkCodes -contains $c) { $network = $true } }
    foreach ($n in $typeNames) {
        if ($n -eq 'System.Management.Automation.Remoting.PSRemotingTransportException' -or
            $n -eq 'System.Management.Automation.Remoting.PSRemotingDataStructureException' -or
            $n -eq 'System.Management.Automation.Runspaces.InvalidRunspaceStateException' -or
            $n -eq 'System.Net.Sockets.SocketException') { $network = $true }
    }
    if ($network) {
        if ($Phase -eq 'Connect') { return (New-DssFailure -Id 'HostUnreachable' -Message $message -Target $Target -Category $category) }
        return (New-DssFailure -Id 'ConnectionLost' -Message $message -Target $Target -Category $category)
    }
    return (New-DssFailure -Id 'OperationFailed' -Message $message -Target $Target -Category $category)
}
