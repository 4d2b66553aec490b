<#
.SYNOPSIS
    TEST ONLY. Stand-ins for the Windows commands the ps1/ scripts use, for running those scripts
    for real in a PowerShell that is not on a Windows DSS (test/integration/windows-operations.test.ts).

.DESCRIPTION
    Dot-sourced into the global scope of the PowerShell child that node-powershell drives, before
    any ps1/ script runs. Functions shadow cmdlets (functions come before cmdlets in command lookup):
    Test-Path and Get-ItemProperty (HKLM: paths only; anything else goes to the real cmdlet),
    New-ItemProperty, Set-ItemProperty, Remove-ItemProperty, Get-Service, New-PSSessionOption,
    New-PSSession, Remove-PSSession and Invoke-Command. Aliases (which come before functions) replace
    the two .NET wrappers of _Common.ps1 used by the Rpc transport: Open-DssRemoteBaseKey and
    Get-DssServiceController.

    The simulated registry and services live in one hashtable stored as AppDomain data, so the
    fresh runspace in which Invoke-Command runs a core scriptblock (as a remote DSS would: without
    _Common.ps1, results serialized and deserialized) sees the same state.

    Set-ShadowState '<base64 JSON>' sets the state; Get-ShadowState prints it as one JSON line:
    registry values with their kinds, services, every recorded call, opened sessions (with the
    SHA-256 of the password they got, never the password) and this session's command history.
#>

function global:Get-ShadowStore {
    $s = [AppDomain]::CurrentDomain.GetData('ResyncGlbShadow')
    if ($null -eq $s) {
        $s = @{
            Registry = @{}
            Services = @{}
            Calls = New-Object System.Collections.ArrayList
            Sessions = New-Object System.Collections.ArrayList
            ShadowPath = $null
        }
        [AppDomain]::CurrentDomain.SetData('ResyncGlbShadow', $s)
    }
    return $s
}
(Get-ShadowStore).ShadowPath = $PSCommandPath

function global:Add-ShadowCall([hashtable]$Call) {
    [void](Get-ShadowStore).Calls.Add($Call)
}

function global:Set-ShadowState([string]$Base64) {
    $json = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Base64))
    $in = ConvertFrom-Json -InputObject $json -AsHashtable -DateKind String
    $s = Get-ShadowStore
    $s.Registry = @{}
    foreach ($path in $in.registry.Keys) {
        $values = @{}
        foreach ($name in $in.registry[$path].Keys) {
            $v = $in.registry[$path][$name]
            if ($v.kind -eq 'MultiString') { $values[$name] = @{ kind = 'MultiString'; value = [string[]]@($v.value) } }
            else { $values[$name] = @{ kind = [string]$v.kind; value = [string]$v.value } }
        }
        $s.Registry[$path.ToLowerInvariant()] = @{ Path = $path; Values = $values }
    }
    $s.Services = @{}
    foreach ($name in $in.services.Keys) {
        $v = $in.services[$name]
        $s.Services[$name.ToLowerInvariant()] = @{ Name = $name; DisplayName = [string]$v.displayName; Status = [string]$v.status; Behavior = [string]$v.behavior }
    }
    $s.Calls.Clear()
    $s.Sessions.Clear()
}

function global:Get-ShadowState {
    $s = Get-ShadowStore
    $reg = @{}
    foreach ($k in $s.Registry.Values) {
        $vals = @{}
        foreach ($n in $k.Values.Keys) { $vals[$n] = @{ kind = $k.Values[$n].kind; value = $k.Values[$n].value } }
        $reg[$k.Path] = $vals
    }
    $svc = @{}
    foreach ($v in $s.Services.Values) { $svc[$v.Name] = @{ status = $v.Status } }
    # Without node-powershell's delimiter lines: the current call's own delimiter must not be printed.
    $history = @(Get-History | ForEach-Object { $_.CommandLine } | Where-Object { -not $_.StartsWith('[Console]::') })
    $out = @{ registry = $reg; services = $svc; calls = @($s.Calls); sessions = @($s.Sessions); history = $history }
    [Console]::Out.WriteLine((ConvertTo-Json -InputObject $out -Depth 10 -Compress))
}

function global:Get-ShadowKey([string]$Path) {
    return (Get-ShadowStore).Registry[$Path.ToLowerInvariant()]
}

function global:Test-Path {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Position = 0)][string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath')][Alias('PSPath', 'LP')][string[]]$LiteralPath,
        [Microsoft.PowerShell.Commands.TestPathType]$PathType = 'Any',
        [switch]$IsValid
    )
    $p = if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { $LiteralPath[0] } else { $Path[0] }
    if ($p -like 'HKLM:*') { return ($null -ne (Get-ShadowKey $p)) }
    if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { return (Microsoft.PowerShell.Management\Test-Path -LiteralPath $LiteralPath -PathType $PathType) }
    return (Microsoft.PowerShell.Management\Test-Path -Path $Path -PathType $PathType)
}

function global:Get-ItemProperty {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Position = 0)][string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath')][Alias('PSPath', 'LP')][string[]]$LiteralPath,
        [Parameter(Position = 1)][string[]]$Name
    )
    $p = if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { $LiteralPath[0] } else { $Path[0] }
    if ($p -notlike 'HKLM:*') { return (Microsoft.PowerShell.Management\Get-ItemProperty @PSBoundParameters) }
    Add-ShadowCall @{ cmd = 'Get-ItemProperty'; path = $p }
    $key = Get-ShadowKey $p
    if ($null -eq $key) { throw (New-Object System.Management.Automation.ItemNotFoundException("Cannot find path '$p' because it does not exist.")) }
    $o = New-Object psobject
    foreach ($n in $key.Values.Keys) {
        $v = $key.Values[$n].value
        if ($key.Values[$n].kind -eq 'MultiString') { $o | Add-Member NoteProperty $n ([string[]]$v) } else { $o | Add-Member NoteProperty $n $v }
    }
    $o | Add-Member NoteProperty PSPath ('Microsoft.PowerShell.Core\Registry::' + $p)
    return $o
}

function global:New-ItemProperty {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string[]]$Path, [Alias('PSPath', 'LP')][string[]]$LiteralPath, [Alias('PSProperty')][string]$Name, [Alias('Type')][string]$PropertyType, [object]$Value, [switch]$Force)
    $p = @($LiteralPath + $Path | Where-Object { $_ })[0]
    Add-ShadowCall @{ cmd = 'New-ItemProperty'; path = $p; name = $Name; type = $PropertyType; value = $Value; valueType = $Value.GetType().FullName }
    $key = Get-ShadowKey $p
    if ($null -eq $key) { throw (New-Object System.Management.Automation.ItemNotFoundException("Cannot find path '$p'.")) }
    if ($key.Values.ContainsKey($Name) -and -not $Force) { throw (New-Object System.IO.IOException('The property already exists.')) }
    $key.Values[$Name] = @{ kind = $PropertyType; value = $Value }
}

function global:Set-ItemProperty {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string[]]$Path, [Alias('PSPath', 'LP')][string[]]$LiteralPath, [Alias('PSProperty')][string]$Name, [object]$Value)
    $p = @($LiteralPath + $Path | Where-Object { $_ })[0]
    Add-ShadowCall @{ cmd = 'Set-ItemProperty'; path = $p; name = $Name; value = $Value; valueType = $Value.GetType().FullName }
    $key = Get-ShadowKey $p
    $kind = 'String'
    if ($key.Values.ContainsKey($Name)) { $kind = $key.Values[$Name].kind }
    $key.Values[$Name] = @{ kind = $kind; value = $Value }
}

function global:Remove-ItemProperty {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string[]]$Path, [Alias('PSPath', 'LP')][string[]]$LiteralPath, [Alias('PSProperty')][string[]]$Name)
    $p = @($LiteralPath + $Path | Where-Object { $_ })[0]
    Add-ShadowCall @{ cmd = 'Remove-ItemProperty'; path = $p; name = $Name[0] }
    [void](Get-ShadowKey $p).Values.Remove($Name[0])
}

function global:New-ShadowController([hashtable]$Svc) {
    # The service is looked up in the store on every use, as a real ServiceController asks the
    # service control manager: a controller kept for the session sees later state changes.
    $c = New-Object psobject -Property @{ ServiceName = $Svc.Name; DisplayName = $Svc.DisplayName; DependentServices = @() }
    $c | Add-Member ScriptProperty Svc { (Get-ShadowStore).Services[$this.ServiceName.ToLowerInvariant()] }
    $c | Add-Member ScriptProperty Status { $this.Svc.Status }
    $c | Add-Member ScriptMethod Refresh { }
    $c | Add-Member ScriptMethod Stop {
        Add-ShadowCall @{ cmd = 'ServiceController.Stop'; name = $this.ServiceName }
        if ($this.Svc.Behavior -eq 'sleep') { Start-Sleep -Seconds 120 }
        if ($this.Svc.Behavior -eq 'hang') { $this.Svc.Status = 'StopPending' } else { $this.Svc.Status = 'Stopped' }
    }
    $c | Add-Member ScriptMethod Start {
        Add-ShadowCall @{ cmd = 'ServiceController.Start'; name = $this.ServiceName }
        if ($this.Svc.Behavior -eq 'fail') { $this.Svc.Status = 'Stopped' } else { $this.Svc.Status = 'Running' }
    }
    $c | Add-Member ScriptMethod WaitForStatus {
        param($status, $timeout)
        Add-ShadowCall @{ cmd = 'ServiceController.WaitForStatus'; status = [string]$status; ms = [long]$timeout.TotalMilliseconds }
        $until = [DateTime]::UtcNow.Add($timeout)
        while ($this.Svc.Status -ne [string]$status) {
            if ([DateTime]::UtcNow -ge $until) { throw (New-Object System.TimeoutException('Time out has expired and the operation has not been completed.')) }
            Start-Sleep -Milliseconds 20
        }
    }
    $c | Add-Member ScriptMethod Close { }
    return $c
}

function global:Get-Service {
    [CmdletBinding()]
    param([Parameter(Position = 0)][Alias('ServiceName')][string[]]$Name)
    Add-ShadowCall @{ cmd = 'Get-Service'; name = $Name[0] }
    $svc = (Get-ShadowStore).Services[$Name[0].ToLowerInvariant()]
    if ($null -eq $svc) {
        Write-Error -Message ("Cannot find any service with service name '" + $Name[0] + "'.") -Category ObjectNotFound -ErrorId 'NoServiceFoundForGivenName'
        return
    }
    return (New-ShadowController $svc)
}

function global:New-PSSessionOption {
    [CmdletBinding()]
    param([int]$OpenTimeout, [int]$OperationTimeout, [int]$CancelTimeout, [int]$IdleTimeout)
    return [pscustomobject]@{ OpenTimeout = $OpenTimeout; OperationTimeout = $OperationTimeout; CancelTimeout = $CancelTimeout; IdleTimeout = $IdleTimeout }
}

function global:New-PSSession {
    [CmdletBinding()]
    param([string[]]$ComputerName, [pscredential]$Credential, [object]$SessionOption)
    $record = @{ computerName = $ComputerName[0]; userName = $null; passwordSha256 = $null; openTimeout = $SessionOption.OpenTimeout }
    if ($Credential) {
        $record.userName = $Credential.UserName
        $sha = [System.Security.Cryptography.SHA256]::Create()
        $bytes = [System.Text.Encoding]::UTF8.GetBytes($Credential.GetNetworkCredential().Password)
        $record.passwordSha256 = ([BitConverter]::ToString($sha.ComputeHash($bytes)) -replace '-', '').ToLowerInvariant()
    }
    [void](Get-ShadowStore).Sessions.Add($record)
    if ($ComputerName[0] -eq 'unreachable') {
        throw (New-Object System.Management.Automation.Remoting.PSRemotingTransportException('Connecting to remote server unreachable failed: WinRM cannot complete the operation.'))
    }
    return [pscustomobject]@{ State = 'Opened'; ComputerName = $ComputerName[0]; Id = 1 }
}

function global:Remove-PSSession {
    [CmdletBinding()]
    param([object[]]$Session)
    Add-ShadowCall @{ cmd = 'Remove-PSSession' }
}

function global:Invoke-Command {
    [CmdletBinding()]
    param([object[]]$Session, [scriptblock]$ScriptBlock, [object[]]$ArgumentList = @())
    Add-ShadowCall @{ cmd = 'Invoke-Command'; computerName = $Session[0].ComputerName }
    # As on a remote DSS: a fresh runspace without _Common.ps1, results serialized on the way back.
    $ps = [powershell]::Create()
    try {
        [void]$ps.AddScript('. $args[0]').AddArgument((Get-ShadowStore).ShadowPath)
        [void]$ps.AddStatement().AddScript($ScriptBlock.ToString())
        foreach ($a in $ArgumentList) { [void]$ps.AddArgument($a) }
        try {
            $out = $ps.Invoke()
        } catch {
            throw (New-Object System.Management.Automation.RemoteException($_.Exception.InnerException.Message))
        }
        if ($ps.Streams.Error.Count -gt 0) { throw (New-Object System.Management.Automation.RemoteException($ps.Streams.Error[0].ToString())) }
        foreach ($o in $out) { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($o, 5)) }
    } finally {
        $ps.Dispose()
    }
}

# Rpc: aliases win over the functions _Common.ps1 defines each time a script dot-sources it.
function global:Get-ShadowRemoteBaseKey {
    param([string]$Hive, [string]$ComputerName)
    Add-ShadowCall @{ cmd = 'OpenRemoteBaseKey'; hive = $Hive; computerName = $ComputerName }
    if ($ComputerName -eq 'unreachable') { throw (New-Object System.IO.IOException('The network path was not found.', -2147024843)) }
    $base = New-Object psobject -Property @{ Hive = $Hive }
    $base | Add-Member ScriptMethod OpenSubKey {
        param($sub, $writable)
        Add-ShadowCall @{ cmd = 'OpenSubKey'; subKey = $sub; writable = [bool]$writable }
        $key = Get-ShadowKey ('HKLM:\' + $sub)
        if ($null -eq $key) { return $null }
        $k = New-Object psobject -Property @{ Key = $key }
        $k | Add-Member ScriptMethod GetValueNames { return , ([string[]]@($this.Key.Values.Keys)) }
        $k | Add-Member ScriptMethod GetValueKind { param($n) return $this.Key.Values[$n].kind }
        $k | Add-Member ScriptMethod GetValue { param($n, $d, $o) $v = $this.Key.Values[$n].value; if ($v -is [array]) { return , ([string[]]$v) } return $v }
        $k | Add-Member ScriptMethod SetValue { param($n, $v, $kind) Add-ShadowCall @{ cmd = 'RegistryKey.SetValue'; name = $n; value = $v; kind = [string]$kind; valueType = $v.GetType().FullName }; $this.Key.Values[$n] = @{ kind = [string]$kind; value = $v } }
        $k | Add-Member ScriptMethod DeleteValue { param($n, $t) Add-ShadowCall @{ cmd = 'RegistryKey.DeleteValue'; name = $n }; [void]$this.Key.Values.Remove($n) }
        $k | Add-Member ScriptMethod Close { }
        return $k
    }
    $base | Add-Member ScriptMethod Close { }
    return $base
}

function global:Get-ShadowServiceController {
    param([string]$Name, [string]$ComputerName)
    Add-ShadowCall @{ cmd = 'ServiceController.new'; name = $Name; computerName = $ComputerName }
    $svc = (Get-ShadowStore).Services[$Name.ToLowerInvariant()]
    if ($null -eq $svc) { return $null }
    return (New-ShadowController $svc)
}

Set-Alias -Name Open-DssRemoteBaseKey -Value Get-ShadowRemoteBaseKey -Scope Global
Set-Alias -Name Get-DssServiceController -Value Get-ShadowServiceController -Scope Global
