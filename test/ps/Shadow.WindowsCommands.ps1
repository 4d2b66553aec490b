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

    Lab mode: when RESYNCGLB_SHADOW_LAB names a JSON file { lab, node, bundle, service, transport,
    windowsRoot, ssh, cacheDir }
    at load time, the registry and the MSExchangeDX service are a lab DSS's instead (its registry
    store, its DXA process), reached through the lab's own code: one `resync-glb lab __shadow <lab>`
    child per process (src/lab/shadow-server.ts), spoken to in base64 JSON lines. Then:
      * windowsRoot (e.g. C:\ResyncLab) presents the lab folder as a folder on the DSS's C: drive:
        registry strings holding lab paths read as C:\ResyncLab\..., and such paths (and their
        administrative share form \\<computer>\C$\ResyncLab\...) are mapped back to the lab folder
        where a file is touched: Test-Path, the arguments Invoke-Command sends to the DSS, and the
        administrative share paths the Rpc file scripts open (ConvertTo-DssAdminSharePath; the
        workstation reaches the DSS's disks through that share).
      * ssh { port, userName, keyFile, knownHosts } makes New-PSSession open a real PSSession over
        SSH to that loopback sshd (test/ps/SshFixture.psm1) and dot-source these shadows there first,
        in lab mode over the same lab file; Invoke-Command and Remove-PSSession are then the real
        cmdlets on that session.
    Calls are recorded in both modes.
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
            Lab = $null
            LabProcess = $null
            LabLock = New-Object object
        }
        [AppDomain]::CurrentDomain.SetData('ResyncGlbShadow', $s)
    }
    return $s
}
(Get-ShadowStore).ShadowPath = $PSCommandPath
if ($env:RESYNCGLB_SHADOW_LAB -and $null -eq (Get-ShadowStore).Lab) {
    (Get-ShadowStore).Lab = ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($env:RESYNCGLB_SHADOW_LAB)) -AsHashtable -DateKind String
    # The DSS's %SystemRoot% (where the run lock lives, reached as ADMIN$ under Rpc) is a folder of the lab,
    # so every lab has its own, as every DSS has.
    [Environment]::SetEnvironmentVariable('SystemRoot', ([string](Get-ShadowStore).Lab.lab).TrimEnd('/') + '/Windows')
}

function global:Test-ShadowLab { return ($null -ne (Get-ShadowStore).Lab) }

# One `resync-glb lab __shadow <lab>` child per process; it ends when this process's pipe closes.
function global:Invoke-ShadowLab([hashtable]$Request) {
    $s = Get-ShadowStore
    [System.Threading.Monitor]::Enter($s.LabLock)
    try {
        $p = $s.LabProcess
        if ($null -eq $p -or $p.HasExited) {
            $psi = New-Object System.Diagnostics.ProcessStartInfo
            $psi.FileName = [string]$s.Lab.node
            foreach ($a in @([string]$s.Lab.bundle, 'lab', '__shadow', [string]$s.Lab.lab)) { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            $psi.RedirectStandardInput = $true
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $false
            $p = [System.Diagnostics.Process]::Start($psi)
            $s.LabProcess = $p
        }
        $line = [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $Request -Depth 10 -Compress)))
        $p.StandardInput.WriteLine($line)
        $p.StandardInput.Flush()
        $answer = $p.StandardOutput.ReadLine()
    } finally {
        [System.Threading.Monitor]::Exit($s.LabLock)
    }
    if ($null -eq $answer) { throw 'The lab shadow server ended without answering.' }
    $r = ConvertFrom-Json -InputObject ([System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($answer))) -AsHashtable -DateKind String
    if (-not $r.ok) { throw ('Lab shadow server: ' + $r.error.id + ': ' + $r.error.message) }
    return $r.data
}

# Lab paths <-> the DSS's C:\... view of them (windowsRoot); identity when windowsRoot is not set.
function global:ConvertTo-ShadowDssPath([string]$Path) {
    $lab = (Get-ShadowStore).Lab
    if ($null -eq $lab -or -not $lab.windowsRoot) { return $Path }
    $root = ([string]$lab.lab).TrimEnd('/')
    if ($Path -eq $root -or $Path.StartsWith($root + '/')) { return [string]$lab.windowsRoot + $Path.Substring($root.Length).Replace('/', '\') }
    return $Path
}

function global:ConvertTo-ShadowLabPath([string]$Path) {
    $lab = (Get-ShadowStore).Lab
    if ($null -eq $lab -or -not $lab.windowsRoot) { return $Path }
    $win = [string]$lab.windowsRoot
    $tail = [regex]::Escape($win.Substring(2))
    $m = [regex]::Match($Path, '^(?:\\\\[^\\]+\\C\$|C:)' + $tail + '(\\.*)?$', 'IgnoreCase')
    if (-not $m.Success) { return $Path }
    return ([string]$lab.lab).TrimEnd('/') + $m.Groups[1].Value.Replace('\', '/')
}

function global:ConvertTo-ShadowLabArgument($Value) {
    if ($Value -is [string]) { return (ConvertTo-ShadowLabPath $Value) }
    if ($Value -is [string[]]) { return , ([string[]]@($Value | ForEach-Object { ConvertTo-ShadowLabPath $_ })) }
    return $Value
}

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

# The registry as both modes see it: HKLM:\<sub> paths; values as @{ kind; value } with the kinds
# of [Microsoft.Win32.RegistryValueKind] (MultiString values are string[]).
$global:ShadowLabTypes = @{ MultiString = 'REG_MULTI_SZ'; String = 'REG_SZ'; ExpandString = 'REG_EXPAND_SZ'; DWord = 'REG_DWORD' }

function global:ConvertTo-ShadowLabKey([string]$Path) {
    return ('HKEY_LOCAL_MACHINE\' + ($Path -replace '^HKLM:\\', ''))
}

function global:Get-ShadowValues([string]$Path) {
    if (-not (Test-ShadowLab)) {
        $key = Get-ShadowKey $Path
        if ($null -eq $key) { return $null }
        return $key.Values
    }
    $d = Invoke-ShadowLab @{ op = 'values'; key = (ConvertTo-ShadowLabKey $Path) }
    if (-not $d.exists) { return $null }
    $out = @{}
    foreach ($n in $d.values.Keys) {
        $v = $d.values[$n]
        switch ([string]$v.type) {
            'REG_MULTI_SZ' { $out[$n] = @{ kind = 'MultiString'; value = [string[]]@($v.data) } }
            'REG_SZ' { $out[$n] = @{ kind = 'String'; value = (ConvertTo-ShadowDssPath ([string]$v.data)) } }
            'REG_EXPAND_SZ' { $out[$n] = @{ kind = 'ExpandString'; value = (ConvertTo-ShadowDssPath ([string]$v.data)) } }
            'REG_DWORD' { $out[$n] = @{ kind = 'DWord'; value = [int]$v.data } }
        }
    }
    return $out
}

function global:Set-ShadowValue([string]$Path, [string]$Name, [string]$Kind, $Value) {
    if (-not (Test-ShadowLab)) {
        $key = Get-ShadowKey $Path
        if ($null -eq $key) { throw (New-Object System.Management.Automation.ItemNotFoundException("Cannot find path '$Path'.")) }
        $key.Values[$Name] = @{ kind = $Kind; value = $Value }
        return
    }
    $type = $global:ShadowLabTypes[$Kind]
    if (-not $type) { throw "The lab registry holds no $Kind values." }
    $data = $Value
    if ($type -eq 'REG_MULTI_SZ') { $data = [string[]]@($Value) }
    [void](Invoke-ShadowLab @{ op = 'setValue'; key = (ConvertTo-ShadowLabKey $Path); name = $Name; value = @{ type = $type; data = $data } })
}

function global:Remove-ShadowValue([string]$Path, [string]$Name) {
    if (-not (Test-ShadowLab)) {
        [void](Get-ShadowKey $Path).Values.Remove($Name)
        return
    }
    [void](Invoke-ShadowLab @{ op = 'deleteValue'; key = (ConvertTo-ShadowLabKey $Path); name = $Name })
}

function global:Find-ShadowValueName($Values, [string]$Name) {
    foreach ($n in $Values.Keys) { if ([string]::Equals($n, $Name, [StringComparison]::OrdinalIgnoreCase)) { return $n } }
    return $null
}

function global:Test-Path {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Position = 0)][string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath')][Alias('PSPath', 'LP')][string[]]$LiteralPath,
        [string]$PathType = 'Any',
        [switch]$IsValid
    )
    $p = if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { $LiteralPath[0] } else { $Path[0] }
    if ($p -like 'HKLM:*') { return ($null -ne (Get-ShadowValues $p)) }
    if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { return (Microsoft.PowerShell.Management\Test-Path -LiteralPath @($LiteralPath | ForEach-Object { ConvertTo-ShadowLabPath $_ }) -PathType $PathType) }
    return (Microsoft.PowerShell.Management\Test-Path -Path @($Path | ForEach-Object { ConvertTo-ShadowLabPath $_ }) -PathType $PathType)
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
    $values = Get-ShadowValues $p
    if ($null -eq $values) { throw (New-Object System.Management.Automation.ItemNotFoundException("Cannot find path '$p' because it does not exist.")) }
    $o = New-Object psobject
    foreach ($n in $values.Keys) {
        $v = $values[$n].value
        if ($values[$n].kind -eq 'MultiString') { $o | Add-Member NoteProperty $n ([string[]]$v) } else { $o | Add-Member NoteProperty $n $v }
    }
    $o | Add-Member NoteProperty PSPath ('Microsoft.PowerShell.Core\Registry::' + $p)
    return $o
}

function global:New-ItemProperty {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string[]]$Path, [Alias('PSPath', 'LP')][string[]]$LiteralPath, [Alias('PSProperty')][string]$Name, [Alias('Type')][string]$PropertyType, [object]$Value, [switch]$Force)
    $p = @($LiteralPath + $Path | Where-Object { $_ })[0]
    Add-ShadowCall @{ cmd = 'New-ItemProperty'; path = $p; name = $Name; type = $PropertyType; value = $Value; valueType = $Value.GetType().FullName }
    $values = Get-ShadowValues $p
    if ($null -eq $values) { throw (New-Object System.Management.Automation.ItemNotFoundException("Cannot find path '$p'.")) }
    if ($null -ne (Find-ShadowValueName $values $Name) -and -not $Force) { throw (New-Object System.IO.IOException('The property already exists.')) }
    Set-ShadowValue $p $Name $PropertyType $Value
}

function global:Set-ItemProperty {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string[]]$Path, [Alias('PSPath', 'LP')][string[]]$LiteralPath, [Alias('PSProperty')][string]$Name, [object]$Value)
    $p = @($LiteralPath + $Path | Where-Object { $_ })[0]
    Add-ShadowCall @{ cmd = 'Set-ItemProperty'; path = $p; name = $Name; value = $Value; valueType = $Value.GetType().FullName }
    $values = Get-ShadowValues $p
    if ($null -eq $values) { throw (New-Object System.Management.Automation.ItemNotFoundException("Cannot find path '$p'.")) }
    $kind = 'String'
    $existing = Find-ShadowValueName $values $Name
    if ($null -ne $existing) { $kind = $values[$existing].kind }
    Set-ShadowValue $p $Name $kind $Value
}

function global:Remove-ItemProperty {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string[]]$Path, [Alias('PSPath', 'LP')][string[]]$LiteralPath, [Alias('PSProperty')][string[]]$Name)
    $p = @($LiteralPath + $Path | Where-Object { $_ })[0]
    Add-ShadowCall @{ cmd = 'Remove-ItemProperty'; path = $p; name = $Name[0] }
    Remove-ShadowValue $p $Name[0]
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

# Lab mode: a controller over the lab DXA. Status is what the last Refresh() read (as in .NET).
function global:New-ShadowLabController([string]$Name) {
    $d = Invoke-ShadowLab @{ op = 'service' }
    if (-not $d.exists -or -not [string]::Equals($Name, [string](Get-ShadowStore).Lab.service.name, [StringComparison]::OrdinalIgnoreCase)) { return $null }
    $c = New-Object psobject -Property @{ ServiceName = [string](Get-ShadowStore).Lab.service.name; DisplayName = [string](Get-ShadowStore).Lab.service.displayName; DependentServices = @(); Status = [string]$d.status }
    $c | Add-Member ScriptMethod Refresh { $this.Status = [string](Invoke-ShadowLab @{ op = 'service' }).status }
    $c | Add-Member ScriptMethod Stop {
        Add-ShadowCall @{ cmd = 'ServiceController.Stop'; name = $this.ServiceName }
        $this.Refresh()
        if ($this.Status -eq 'Stopped') { throw (New-Object System.InvalidOperationException("Cannot stop $($this.ServiceName) service on computer '.'.")) }
        [void](Invoke-ShadowLab @{ op = 'stop' })
    }
    $c | Add-Member ScriptMethod Start {
        Add-ShadowCall @{ cmd = 'ServiceController.Start'; name = $this.ServiceName }
        $this.Refresh()
        if ($this.Status -ne 'Stopped') { throw (New-Object System.InvalidOperationException("Cannot start service $($this.ServiceName) on computer '.'.")) }
        [void](Invoke-ShadowLab @{ op = 'start' })
    }
    $c | Add-Member ScriptMethod WaitForStatus {
        param($status, $timeout)
        Add-ShadowCall @{ cmd = 'ServiceController.WaitForStatus'; status = [string]$status; ms = [long]$timeout.TotalMilliseconds }
        $until = [DateTime]::UtcNow.Add($timeout)
        $this.Refresh()
        while ($this.Status -ne [string]$status) {
            if ([DateTime]::UtcNow -ge $until) { throw (New-Object System.TimeoutException('Time out has expired and the operation has not been completed.')) }
            Start-Sleep -Milliseconds 50
            $this.Refresh()
        }
    }
    $c | Add-Member ScriptMethod Close { }
    return $c
}

function global:Get-Service {
    [CmdletBinding()]
    param([Parameter(Position = 0)][Alias('ServiceName')][string[]]$Name)
    Add-ShadowCall @{ cmd = 'Get-Service'; name = $Name[0] }
    if (Test-ShadowLab) { $c = New-ShadowLabController $Name[0] } else {
        $svc = (Get-ShadowStore).Services[$Name[0].ToLowerInvariant()]
        $c = if ($null -eq $svc) { $null } else { New-ShadowController $svc }
    }
    if ($null -eq $c) {
        Write-Error -Message ("Cannot find any service with service name '" + $Name[0] + "'.") -Category ObjectNotFound -ErrorId 'NoServiceFoundForGivenName'
        return
    }
    return $c
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
    $lab = (Get-ShadowStore).Lab
    if ($null -ne $lab -and $null -ne $lab.ssh) {
        # The DSS is the loopback sshd of test/ps/SshFixture.psm1, key only (SSH has no password
        # credentials without a prompt): a real PSSession, whatever computer name was asked for.
        $ssh = $lab.ssh
        $options = @{ UserKnownHostsFile = [string]$ssh.knownHosts; GlobalKnownHostsFile = '/dev/null'; StrictHostKeyChecking = 'yes'; IdentitiesOnly = 'yes'; BatchMode = 'yes' }
        $session = Microsoft.PowerShell.Core\New-PSSession -HostName 127.0.0.1 -Port ([int]$ssh.port) -UserName ([string]$ssh.userName) -KeyFilePath ([string]$ssh.keyFile) `
            -Subsystem powershell -ConnectingTimeout ([Math]::Max(1000, [int]$SessionOption.OpenTimeout)) -Options $options -ErrorAction Stop
        # The DSS's pwsh (sshd's subsystem, which loads no profile) gets the shadows first, in lab
        # mode over the same lab file as this process (same machine, same path).
        Microsoft.PowerShell.Core\Invoke-Command -Session $session -ErrorAction Stop -ArgumentList (Get-ShadowStore).ShadowPath, $env:RESYNCGLB_SHADOW_LAB -ScriptBlock {
            param($p, $lab)
            $env:RESYNCGLB_SHADOW_LAB = $lab
            . $p
        }
        return $session
    }
    return [pscustomobject]@{ State = 'Opened'; ComputerName = $ComputerName[0]; Id = 1 }
}

function global:Remove-PSSession {
    [CmdletBinding()]
    param([object[]]$Session)
    Add-ShadowCall @{ cmd = 'Remove-PSSession' }
    $real = @($Session | Where-Object { $_ -is [System.Management.Automation.Runspaces.PSSession] })
    if ($real.Count -gt 0) { Microsoft.PowerShell.Core\Remove-PSSession -Session $real -ErrorAction SilentlyContinue }
}

function global:Invoke-Command {
    [CmdletBinding()]
    param([object[]]$Session, [scriptblock]$ScriptBlock, [object[]]$ArgumentList = @())
    Add-ShadowCall @{ cmd = 'Invoke-Command'; computerName = $Session[0].ComputerName }
    if ($Session[0] -is [System.Management.Automation.Runspaces.PSSession]) {
        # Lab mode over SSH: the real cmdlet; C:\ResyncLab paths sent to the DSS become the lab folder.
        $mapped = @(foreach ($a in $ArgumentList) { , (ConvertTo-ShadowLabArgument $a) })
        return (Microsoft.PowerShell.Core\Invoke-Command -Session $Session -ScriptBlock $ScriptBlock -ArgumentList $mapped -ErrorAction $ErrorActionPreference)
    }
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
        $path = 'HKLM:\' + $sub
        if ($null -eq (Get-ShadowValues $path)) { return $null }
        $k = New-Object psobject -Property @{ KeyPath = $path }
        # Every read asks again, as a real key handle reads the live registry.
        $k | Add-Member ScriptMethod GetValueNames { return , ([string[]]@((Get-ShadowValues $this.KeyPath).Keys)) }
        $k | Add-Member ScriptMethod GetValueKind { param($n) $vs = Get-ShadowValues $this.KeyPath; return $vs[(Find-ShadowValueName $vs $n)].kind }
        $k | Add-Member ScriptMethod GetValue { param($n, $d, $o) $vs = Get-ShadowValues $this.KeyPath; $v = $vs[(Find-ShadowValueName $vs $n)].value; if ($v -is [array]) { return , ([string[]]$v) } return $v }
        $k | Add-Member ScriptMethod SetValue { param($n, $v, $kind) Add-ShadowCall @{ cmd = 'RegistryKey.SetValue'; name = $n; value = $v; kind = [string]$kind; valueType = $v.GetType().FullName }; Set-ShadowValue $this.KeyPath $n ([string]$kind) $v }
        $k | Add-Member ScriptMethod DeleteValue { param($n, $t) Add-ShadowCall @{ cmd = 'RegistryKey.DeleteValue'; name = $n }; Remove-ShadowValue $this.KeyPath $n }
        $k | Add-Member ScriptMethod Close { }
        return $k
    }
    $base | Add-Member ScriptMethod Close { }
    return $base
}

function global:Get-ShadowServiceController {
    param([string]$Name, [string]$ComputerName)
    Add-ShadowCall @{ cmd = 'ServiceController.new'; name = $Name; computerName = $ComputerName }
    if (Test-ShadowLab) { return (New-ShadowLabController $Name) }
    $svc = (Get-ShadowStore).Services[$Name.ToLowerInvariant()]
    if ($null -eq $svc) { return $null }
    return (New-ShadowController $svc)
}

Set-Alias -Name Open-DssRemoteBaseKey -Value Get-ShadowRemoteBaseKey -Scope Global
Set-Alias -Name Get-DssServiceController -Value Get-ShadowServiceController -Scope Global

# Rpc in lab mode: the workstation reaches the DSS's disks through \\<computer>\C$; here that share
# is the lab folder. Resolve-Dxadata.ps1 reports the share path as the caller's view (and probes it
# with Test-Path, mapped above); every other caller hands the path to .NET file APIs, so it gets the
# lab folder itself.
function global:ConvertTo-ShadowAdminSharePath {
    param([string]$Path, [string]$ComputerName)
    $unc = $Path
    if (-not $Path.StartsWith('\\')) {
        if ($Path -notmatch '^([A-Za-z]):(\\.*)?$') { throw (New-Object System.ArgumentException("Not an absolute DSS path: $Path")) }
        $unc = '\\' + $ComputerName + '\' + $Matches[1].ToUpperInvariant() + '$' + $Matches[2]
    }
    $caller = [System.IO.Path]::GetFileName([string]$MyInvocation.ScriptName)
    $out = if ($caller -eq 'Resolve-Dxadata.ps1') { $unc } else { ConvertTo-ShadowLabPath $unc }
    Add-ShadowCall @{ cmd = 'AdminSharePath'; path = $Path; caller = $caller; result = $out }
    return $out
}
if (Test-ShadowLab) { Set-Alias -Name ConvertTo-DssAdminSharePath -Value ConvertTo-ShadowAdminSharePath -Scope Global }

# Rpc in lab mode: the DSS's ADMIN$ share (its %SystemRoot%) is the lab's Windows folder.
function global:Get-ShadowLockShareFolder([string]$ComputerName) {
    Add-ShadowCall @{ cmd = 'LockShareFolder'; computerName = $ComputerName }
    return ([string](Get-ShadowStore).Lab.lab).TrimEnd('/') + '/Windows/ResyncGlb'
}
if (Test-ShadowLab) { Set-Alias -Name Get-DssLockShareFolder -Value Get-ShadowLockShareFolder -Scope Global }

# Rpc in lab mode: the probe of the administrative share's root (\\<computer>\C$\) lists the lab folder,
# which the DSS's C: drive holds; any other share does not exist here.
function global:Invoke-ShadowShareProbe {
    param([Parameter(Mandatory = $true)][string]$Root)
    Add-ShadowCall @{ cmd = 'ShareProbe'; root = $Root }
    if ($Root -notmatch '^\\\\[^\\]+\\C\$\\?$') { throw (New-Object System.IO.DirectoryNotFoundException("Could not find a part of the path '$Root'.")) }
    $null = [System.IO.Directory]::GetDirectories([string](Get-ShadowStore).Lab.lab)
}
if (Test-ShadowLab) { Set-Alias -Name Invoke-DssShareProbe -Value Invoke-ShadowShareProbe -Scope Global }

# Rpc in lab mode: the free space of an administrative share path is asked of Win32
# GetDiskFreeSpaceEx by Get-DssUncFreeBytes (ps1/common/AdminShare.ps1), through a type it compiles unless it
# exists. Here that type exists already and answers for the lab folder the share maps to (compiled
# once into the test's folder cacheDir: compiling C# takes seconds). Only when the lab is reached
# over Rpc (transport in the lab file), and never in the DSS's own pwsh under Remoting.
if ((Test-ShadowLab) -and [string](Get-ShadowStore).Lab.transport -eq 'Rpc' -and -not (Get-Variable -Name PSSenderInfo -ValueOnly -ErrorAction SilentlyContinue) -and -not ('ResyncGlb.DssDisk' -as [type])) {
    $dll = Join-Path ([string](Get-ShadowStore).Lab.cacheDir) 'ResyncGlb.ShadowDssDisk.dll'
    if (-not (Microsoft.PowerShell.Management\Test-Path -LiteralPath $dll)) {
        Add-Type -OutputAssembly $dll -TypeDefinition @'
namespace ResyncGlb {
    public static class DssDisk {
        public static System.Func<string, string> Map;
        public static bool GetDiskFreeSpaceEx(string directoryName, out ulong freeBytesAvailable, out ulong totalBytes, out ulong totalFreeBytes) {
            System.IO.DriveInfo d = new System.IO.DriveInfo(Map == null ? directoryName : Map(directoryName));
            freeBytesAvailable = (ulong)d.AvailableFreeSpace;
            totalBytes = (ulong)d.TotalSize;
            totalFreeBytes = (ulong)d.TotalFreeSpace;
            return true;
        }
    }
}
'@
    }
    Add-Type -Path $dll
    [ResyncGlb.DssDisk]::Map = [System.Func[string, string]] { param($p) Add-ShadowCall @{ cmd = 'GetDiskFreeSpaceEx'; path = $p }; return (ConvertTo-ShadowLabPath $p) }
}
