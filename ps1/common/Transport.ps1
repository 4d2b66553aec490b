# ---------------------------------------------------------------------------------------------
# Transports: cores run here or on the DSS through the session Initialize-DssSession.ps1 opened
# ---------------------------------------------------------------------------------------------

function Get-DssRemoteSession {
    <#
    .SYNOPSIS
        The PSSession Initialize-DssSession.ps1 opened; ConnectionLost when it is gone or broken.
    #>
    param([Parameter(Mandatory=$true)][hashtable]$Request)
    $state = $null
    $v = Get-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
    if ($null -ne $v) { $state = $v.Value }
    if ($null -eq $state -or -not ($state -is [hashtable]) -or $null -eq $state['Session']) {
        throw (New-DssException -Id 'ConnectionLost' -Message 'No PowerShell remoting session to the DSS is open in this process (Initialize-DssSession.ps1 did not run or failed).' -Target ([string]$Request['computerName']))
    }
    $session = $state['Session']
    $sessionState = [string]$session.State
    if ($sessionState -ne 'Opened') {
        throw (New-DssException -Id 'ConnectionLost' -Message ('The PowerShell remoting session to ' + $state['ComputerName'] + ' is ' + $sessionState + '.') -Target ([string]$state['ComputerName']))
    }
    return $session
}

function Close-DssSessionState {
    <#
    .SYNOPSIS
        Closes what Initialize-DssSession.ps1 opened in this process ($global:ResyncGlbDss: service
        controllers, the PSSession, the drive to ADMIN$) and removes the state; $true when there was
        one. Never fails: what cannot be closed is closed anyway when the process ends.
    #>
    $old = Get-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
    if ($null -eq $old -or -not ($old.Value -is [hashtable])) { return $false }
    Close-DssSessionServiceControllers -State $old.Value
    if ($null -ne $old.Value['Session']) { try { Remove-PSSession -Session $old.Value['Session'] -ErrorAction SilentlyContinue } catch { } }
    if ($old.Value['Drive']) { try { Remove-PSDrive -Name $old.Value['Drive'] -Scope Global -Force -ErrorAction SilentlyContinue } catch { } }
    Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
    return $true
}

function Invoke-DssCore {
    <#
    .SYNOPSIS
        Runs a core scriptblock where the request's transport says: here (Local, Rpc on an admin
        share path) or on the DSS through the open PSSession (Remoting).
    .DESCRIPTION
        Core scriptblocks are PowerShell 2.0 code that depends on nothing in this file (under
        Remoting they run in the DSS's own runspace). They return a result hashtable
        @{ ok = $true; data = ... } or @{ ok = $false; error = ... } for expected outcomes and throw
        for unexpected ones. A remote throw comes back as a RemoteException and is classified like
        a local one; any other failure of Invoke-Command is the connection's: ConnectionLost.
    #>
    param(
        [Parameter(Mandatory=$true)][hashtable]$Request,
        [Parameter(Mandatory=$true)][scriptblock]$Core,
        [object[]]$ArgumentList = @()
    )
    if ([string]$Request['transport'] -eq 'Remoting') {
        $session = Get-DssRemoteSession -Request $Request
        try {
            $out = Invoke-Command -Session $session -ScriptBlock $Core -ArgumentList $ArgumentList -ErrorAction Stop
        } catch {
            $isRemote = $false
            foreach ($e in (Get-DssExceptionChain -Exception $_.Exception)) {
                if ($e -is [System.Management.Automation.RemoteException]) { $isRemote = $true }
            }
            if ($isRemote -and [string]$session.State -eq 'Opened') { throw }
            throw (New-DssException -Id 'ConnectionLost' -Message ('The connection to ' + [string]$Request['computerName'] + ' was lost: ' + $_.Exception.Message) -Target ([string]$Request['computerName']))
        }
    } else {
        $out = & $Core @ArgumentList
    }
    # A core returns one hashtable; take the last object in case a remote profile wrote something.
    $last = $null
    foreach ($o in @($out)) { $last = $o }
    if ($last -is [System.Management.Automation.PSObject]) { $last = $last.PSObject.BaseObject }
    return $last
}

function Open-DssRemoteBaseKey {
    <#
    .SYNOPSIS
        Remote registry (Rpc transport): [Microsoft.Win32.RegistryKey]::OpenRemoteBaseKey.
        A function of its own so Pester can replace it.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Hive,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    $map = @{ 'HKEY_LOCAL_MACHINE' = 'LocalMachine'; 'HKLM' = 'LocalMachine' }
    if (-not $map.ContainsKey($Hive)) { throw (New-DssException -Id 'ProtocolError' -Message ('Unknown registry hive ' + $Hive + '.')) }
    $h = [Microsoft.Win32.RegistryHive]$map[$Hive]
    return [Microsoft.Win32.RegistryKey]::OpenRemoteBaseKey($h, $ComputerName)
}
