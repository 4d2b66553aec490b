# ---------------------------------------------------------------------------------------------
# The MSExchangeDX service: service controllers (Rpc) and the service core
# ---------------------------------------------------------------------------------------------

function Get-DssSessionServiceController {
    <#
    .SYNOPSIS
        Rpc transport: the one ServiceController of this session for a service, made on first use
        and refreshed after; $null when the service does not exist.
    .DESCRIPTION
        Each new ServiceController costs an RPC bind to the DSS's service control manager (and a
        Vista-or-later target tries TCP first: up to about 20 s when port 135 is filtered), so one
        per call, let alone one per 250 ms poll, is too many. It lives in $global:ResyncGlbDss
        (Initialize-DssSession.ps1) and Close-DssSession.ps1 closes it; one that fails is dropped, so
        the next call binds again.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Name,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    $state = $null
    $v = Get-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
    if ($null -ne $v -and $v.Value -is [hashtable]) { $state = $v.Value }
    $key = $ComputerName + '|' + $Name
    if ($null -ne $state -and $state['Controllers'] -is [hashtable] -and $state['Controllers'].ContainsKey($key)) {
        $sc = $state['Controllers'][$key]
        try {
            $sc.Refresh()
            return $sc
        } catch {
            $state['Controllers'].Remove($key)
            try { $sc.Close() } catch { }
        }
    }
    $sc = Get-DssServiceController -Name $Name -ComputerName $ComputerName
    if ($null -ne $sc -and $null -ne $state) {
        if (-not ($state['Controllers'] -is [hashtable])) { $state['Controllers'] = @{} }
        $state['Controllers'][$key] = $sc
    }
    return $sc
}

function Close-DssSessionServiceControllers {
    <#
    .SYNOPSIS
        Closes the ServiceControllers Get-DssSessionServiceController kept in a session state.
    #>
    param([AllowNull()]$State)
    if ($State -is [hashtable] -and $State['Controllers'] -is [hashtable]) {
        foreach ($sc in @($State['Controllers'].Values)) { try { $sc.Close() } catch { } }
        $State['Controllers'] = @{}
    }
}

function Get-DssServiceController {
    <#
    .SYNOPSIS
        Remote service control (Rpc transport): a System.ServiceProcess.ServiceController for a
        service on another computer; $null when the service does not exist there. A function of its
        own so Pester can replace it.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Name,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    if (-not ('System.ServiceProcess.ServiceController' -as [type])) {
        # Windows PowerShell: System.ServiceProcess; PowerShell 7: System.ServiceProcess.ServiceController.
        try { Add-Type -AssemblyName System.ServiceProcess -ErrorAction Stop } catch { Add-Type -AssemblyName System.ServiceProcess.ServiceController }
    }
    $sc = New-Object System.ServiceProcess.ServiceController($Name, $ComputerName)
    try {
        $null = $sc.Status  # throws when the service or the computer cannot be reached
    } catch {
        foreach ($c in (Get-DssErrorCodes -Exception $_.Exception)) {
            if ($c -eq 1060) { return $null }  # ERROR_SERVICE_DOES_NOT_EXIST
        }
        throw
    }
    return $sc
}

function Get-DssServiceCore {
    <#
    .SYNOPSIS
        The core scriptblock shared by Get-DxService.ps1, Stop-DxService.ps1 and Start-DxService.ps1.
    .DESCRIPTION
        PowerShell 2.0 only; runs on the DSS under Remoting. $Controller is a ServiceController the
        caller already holds (Rpc: one made for the remote computer); when it is $null the core gets
        the service with Get-Service. Stop and start use the controller's Stop()/Start() and
        WaitForStatus with a TimeSpan: Stop-Service and Start-Service wait without any time limit
        (and print a warning every 2 s) in PowerShell 2.0 to 5.1, and -NoWait exists only on
        Stop-Service from 5.0. Dependent services are reported and never touched.
    #>
    return {
        param([string]$Action, [string]$ServiceName, [int]$TimeoutMs, $Controller)
        $ErrorActionPreference = 'Stop'
        $svc = $Controller
        if ($null -eq $svc) {
            $getErr = $null
            $found = @(Get-Service -Name $ServiceName -ErrorAction SilentlyContinue -ErrorVariable getErr)
            if ($found.Count -eq 0) {
                foreach ($e in @($getErr)) {
                    if ($null -ne $e -and [string]$e.CategoryInfo.Category -ne 'ObjectNotFound') { throw $e }
                }
            } else {
                $svc = $found[0]
            }
        }
        if ($null -eq $svc) {
            if ($Action -eq 'Get') { return @{ ok = $true; data = @{ exists = $false } } }
            return @{ ok = $false; error = @{ id = 'ServiceNotFound'; category = 'ObjectNotFound'; message = ('The ' + $ServiceName + ' service does not exist on ' + [Environment]::MachineName + '.'); target = $ServiceName } }
        }
        $describe = {
            param($s)
            $deps = @()
            foreach ($d in @($s.DependentServices)) {
                if ($null -ne $d) { $deps += @{ name = [string]$d.ServiceName; status = [string]$d.Status } }
            }
            return @{ exists = $true; name = [string]$s.ServiceName; displayName = [string]$s.DisplayName; status = [string]$s.Status; dependentServices = $deps }
        }
        $deadline = [DateTime]::UtcNow.AddMilliseconds($TimeoutMs)
        $remaining = {
            $ms = ($deadline - [DateTime]::UtcNow).TotalMilliseconds
            if ($ms -lt 0) { $ms = 0 }
            return [TimeSpan]::FromMilliseconds($ms)
        }
        $seconds = [string][Math]::Round($TimeoutMs / 1000)
        $svc.Refresh()
        if ($Action -eq 'Get') { return @{ ok = $true; data = (& $describe $svc) } }

        if ($Action -eq 'Stop') {
            if ([string]$svc.Status -eq 'Stopped') { return @{ ok = $true; data = (& $describe $svc) } }
            $running = @()
            foreach ($d in @($svc.DependentServices)) {
                if ($null -ne $d -and [string]$d.Status -ne 'Stopped') { $running += [string]$d.ServiceName }
            }
            if ($running.Count -gt 0) {
                return @{ ok = $false; error = @{ id = 'OperationFailed'; category = 'ResourceBusy'; target = $ServiceName; message = ('The ' + $ServiceName + ' service has running dependent services (' + [string]::Join(', ', [string[]]$running) + '); ResyncGlb does not stop other services. Stop them first, then run again.') } }
            }
            while (@('StartPending', 'ContinuePending', 'PausePending') -contains [string]$svc.Status) {
                if ([DateTime]::UtcNow -ge $deadline) { break }
                try { $svc.WaitForStatus('Running', [TimeSpan]::FromMilliseconds(250)) } catch { }
                $svc.Refresh()
            }
            if ([string]$svc.Status -ne 'StopPending' -and [string]$svc.Status -ne 'Stopped') { $svc.Stop() }
            try { $svc.WaitForStatus('Stopped', (& $remaining)) } catch { }
            $svc.Refresh()
            if ([string]$svc.Status -ne 'Stopped') {
                return @{ ok = $false; error = @{ id = 'ServiceStopTimeout'; category = 'OperationTimeout'; target = $ServiceName; message = ('The ' + $ServiceName + ' service did not stop within ' + $seconds + ' s; it is ' + [string]$svc.Status + '. A hung service is a matter for the administrator (Q176566).') } }
            }
            return @{ ok = $true; data = (& $describe $svc) }
        }

        if ($Action -eq 'Start') {
            if ([string]$svc.Status -eq 'Running') { return @{ ok = $true; data = (& $describe $svc) } }
            if ([string]$svc.Status -eq 'StopPending') {
                try { $svc.WaitForStatus('Stopped', (& $remaining)) } catch { }
                $svc.Refresh()
            }
            if ([string]$svc.Status -ne 'Stopped' -and [string]$svc.Status -ne 'StartPending') {
                return @{ ok = $false; error = @{ id = 'ServiceStartFailed'; category = 'InvalidResult'; target = $ServiceName; message = ('The ' + $ServiceName + ' service is ' + [string]$svc.Status + '; it could not be started.') } }
            }
            if ([string]$svc.Status -eq 'Stopped') { $svc.Start() }
            while ($true) {
                $slice = & $remaining
                if ($slice.TotalMilliseconds -gt 500) { $slice = [TimeSpan]::FromMilliseconds(500) }
                try { $svc.WaitForStatus('Running', $slice) } catch { }
                $svc.Refresh()
                $now = [string]$svc.Status
                if ($now -eq 'Running') { return @{ ok = $true; data = (& $describe $svc) } }
                if ($now -eq 'Stopped') {
                    return @{ ok = $false; error = @{ id = 'ServiceStartFailed'; category = 'InvalidResult'; target = $ServiceName; message = ('The ' + $ServiceName + ' service stopped while starting; see the Application event log, source ' + $ServiceName + ' (Q185225).') } }
                }
                if ([DateTime]::UtcNow -ge $deadline) {
                    return @{ ok = $false; error = @{ id = 'ServiceStartFailed'; category = 'InvalidResult'; target = $ServiceName; message = ('The ' + $ServiceName + ' service did not reach Running within ' + $seconds + ' s; it is ' + $now + '.') } }
                }
            }
        }
        return @{ ok = $false; error = @{ id = 'ProtocolError'; category = 'InvalidArgument'; target = $Action; message = ('Unknown service action ' + $Action + '.') } }
    }
}

function Get-DssServiceResult {
    <#
    .SYNOPSIS
        Runs the service core for a request over its transport (the body of the three service scripts).
    #>
    param(
        [Parameter(Mandatory=$true)][hashtable]$Request,
        [Parameter(Mandatory=$true)][ValidateSet('Get', 'Stop', 'Start')][string]$Action
    )
    $name = Get-DssRequestField -Request $Request -Name 'service.name'
    $timeout = 0
    if ($Action -ne 'Get') { $timeout = [int](Get-DssRequestField -Request $Request -Name 'timeoutMs') }
    $core = Get-DssServiceCore
    if ([string]$Request['transport'] -eq 'Rpc') {
        $computer = Get-DssRequestField -Request $Request -Name 'computerName'
        $controller = Get-DssSessionServiceController -Name $name -ComputerName $computer
        if ($null -eq $controller) {
            if ($Action -eq 'Get') { return @{ ok = $true; data = @{ exists = $false } } }
            return (New-DssFailure -Id 'ServiceNotFound' -Category 'ObjectNotFound' -Target $name -Message ('The ' + $name + ' service does not exist on ' + $computer + '.'))
        }
        return (& $core $Action $name $timeout $controller)
    }
    return (Invoke-DssCore -Request $Request -Core $core -ArgumentList @($Action, $name, $timeout, $null))
}
