#Requires -Version 5.1
<#
.SYNOPSIS
    Pester tests of the Windows DSS operation scripts in ps1/ (Pester 5 classic syntax; runs on
    Pester 5 and 6, on Windows and elsewhere).

.DESCRIPTION
    Each script is called the way ResyncGlb calls it, & '<script>' '<base64 JSON>', and must write
    exactly one ASCII JSON line. The Windows commands it uses are mocked (Mock ... -ParameterFilter,
    Should -Invoke -Exactly) to assert the exact registry path, value name, type and service name,
    all read from src/shared/dss-contract.json (the one place naming them). Where a command
    does not exist on this platform (Get-Service, Stop-Service, Start-Service off Windows), a stub
    with the same parameters is defined first so it can be mocked. Remoting is exercised by mocking
    Invoke-Command (the core scriptblock then runs here); Rpc by mocking the two .NET wrappers in
    _Common.ps1 (Open-DssRemoteBaseKey, Get-DssServiceController) with recording fakes.
#>

BeforeAll {
    # Test state lives in one global hashtable: mock bodies and -ParameterFilter blocks run inside the
    # scripts under test, where $script: means the script's own scope (and strict mode is on).
    $global:WOT = @{}
    $WOT.Root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $WOT.Ps1 = Join-Path $WOT.Root 'ps1'
    $WOT.Contract = Get-Content -Raw -LiteralPath (Join-Path (Join-Path (Join-Path $WOT.Root 'src') 'shared') 'dss-contract.json') | ConvertFrom-Json
    $WOT.KeyPath = $WOT.Contract.serviceKey.psPath
    $WOT.ValueName = $WOT.Contract.resyncValue.name
    $WOT.ServiceName = $WOT.Contract.service.name

    # The helpers must exist before Pester can mock them; the scripts define them again when they
    # dot-source _Common.ps1, and Pester's mock (an alias) still wins.
    . (Join-Path $WOT.Ps1 '_Common.ps1')

    # Stubs with the real parameter blocks for the service cmdlets missing off Windows. They are
    # global (the scripts under test must see them) and removed in AfterAll, so later suites in the
    # same process see the real commands.
    $WOT.Stubs = New-Object System.Collections.ArrayList
    $onWindows = ($PSVersionTable.PSEdition -eq 'Desktop') -or ($IsWindows -eq $true)
    if (-not $onWindows) {
        if (-not (Get-Command Get-Service -ErrorAction SilentlyContinue)) {
            function global:Get-Service {
                [CmdletBinding(DefaultParameterSetName = 'Default')]
                param(
                    [Parameter(ParameterSetName = 'Default', Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)][Alias('ServiceName')][string[]]$Name,
                    [switch]$DependentServices,
                    [Alias('SDO', 'ServicesDependedOn')][switch]$RequiredServices,
                    [Parameter(ParameterSetName = 'DisplayName', Mandatory = $true)][string[]]$DisplayName,
                    [string[]]$Include,
                    [string[]]$Exclude,
                    [Parameter(ParameterSetName = 'InputObject', ValueFromPipeline = $true)][object[]]$InputObject
                )
                throw 'Get-Service stub: mock it.'
            }
            [void]$WOT.Stubs.Add('Get-Service')
        }
        # Off Windows, New-PSSessionOption has none of the WSMan timeouts; a stub with them.
        if (-not (Get-Command New-PSSessionOption).Parameters.ContainsKey('OpenTimeout')) {
            function global:New-PSSessionOption {
                [CmdletBinding()]
                param([int]$OpenTimeout, [int]$OperationTimeout, [int]$CancelTimeout, [int]$IdleTimeout, [switch]$NoMachineProfile)
                return [pscustomobject]@{ OpenTimeout = $OpenTimeout; OperationTimeout = $OperationTimeout; CancelTimeout = $CancelTimeout }
            }
            [void]$WOT.Stubs.Add('New-PSSessionOption')
        }
        foreach ($verb in 'Stop', 'Start') {
            if (-not (Get-Command "$verb-Service" -ErrorAction SilentlyContinue)) {
                $sb = [scriptblock]::Create(@'
                [CmdletBinding(DefaultParameterSetName = 'InputObject', SupportsShouldProcess = $true)]
                param(
                    [Parameter(ParameterSetName = 'InputObject', Mandatory = $true, Position = 0, ValueFromPipeline = $true)][object[]]$InputObject,
                    [Parameter(ParameterSetName = 'Default', Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][Alias('ServiceName')][string[]]$Name,
                    [Parameter(ParameterSetName = 'DisplayName', Mandatory = $true)][string[]]$DisplayName,
                    [switch]$PassThru,
                    [switch]$Force,
                    [switch]$NoWait,
                    [string[]]$Include,
                    [string[]]$Exclude
                )
                throw 'Service stub: mock it.'
'@)
                Set-Item -Path "function:global:$verb-Service" -Value $sb
                [void]$WOT.Stubs.Add("$verb-Service")
            }
        }
    }

    function script:ConvertTo-TestBase64([hashtable]$Request) {
        $json = ConvertTo-Json -InputObject $Request -Depth 10 -Compress
        return [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($json))
    }

    # Runs a script as ResyncGlb does and returns its one envelope, parsed.
    function script:Invoke-DssScript([string]$Name, [hashtable]$Request) {
        $lines = @(& (Join-Path $WOT.Ps1 $Name) -RequestBase64 (ConvertTo-TestBase64 $Request))
        $lines.Count | Should -Be 1 -Because "$Name writes exactly one line"
        $lines[0] | Should -Match '^[\x20-\x7E]+$' -Because 'the envelope is pure ASCII'
        $WOT.LastLine = $lines[0]
        return ($lines[0] | ConvertFrom-Json)
    }

    function script:Test-SameStrings($Actual, [string[]]$Expected) {
        $a = @($Actual)
        if ($a.Count -ne $Expected.Count) { return $false }
        for ($i = 0; $i -lt $a.Count; $i++) {
            if (-not [string]::Equals([string]$a[$i], $Expected[$i], [StringComparison]::Ordinal)) { return $false }
        }
        return $true
    }

    function script:New-Request([string]$Transport = 'Local', [hashtable]$Extra = @{}) {
        $r = @{
            transport = $Transport
            computerName = 'DSS01'
            key = @{ hive = $WOT.Contract.serviceKey.hive; subKey = $WOT.Contract.serviceKey.subKey; psPath = $WOT.Contract.serviceKey.psPath }
            value = @{ name = $WOT.ValueName; psPropertyType = $WOT.Contract.resyncValue.psPropertyType; dotnetKind = $WOT.Contract.resyncValue.dotnetKind }
            service = @{ name = $WOT.ServiceName }
        }
        foreach ($k in $Extra.Keys) { $r[$k] = $Extra[$k] }
        return $r
    }

    # The service key exists; the three registry writes are mocked, recording their order in $WOT.Order.
    function script:Add-ValueWriteMock {
        $WOT.Order = New-Object System.Collections.ArrayList
        Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        Mock New-ItemProperty { [void]$WOT.Order.Add('New') }
        Mock Set-ItemProperty { [void]$WOT.Order.Add('Set') }
        Mock Remove-ItemProperty { [void]$WOT.Order.Add('Remove') }
    }

    # A registry key as RegistryKey.OpenRemoteBaseKey would give it, recording every call.
    function script:New-FakeRemoteRegistry([string]$SubKey, [hashtable]$Values, [hashtable]$Kinds) {
        $log = New-Object System.Collections.ArrayList
        $key = New-Object psobject -Property @{ Values = $Values; Kinds = $Kinds; Log = $log }
        $key | Add-Member ScriptMethod GetValueNames { return , ([string[]]@($this.Values.Keys)) }
        $key | Add-Member ScriptMethod GetValueKind { param($n) return $this.Kinds[$n] }
        $key | Add-Member ScriptMethod GetValue { param($n, $d, $o) $v = $this.Values[$n]; if ($v -is [array]) { return , ([string[]]$v) } return $v }
        $key | Add-Member ScriptMethod SetValue { param($n, $v, $k) [void]$this.Log.Add(@{ op = 'SetValue'; name = $n; value = $v; kind = $k }); $this.Values[$n] = $v; $this.Kinds[$n] = [string]$k }
        $key | Add-Member ScriptMethod DeleteValue { param($n, $t) [void]$this.Log.Add(@{ op = 'DeleteValue'; name = $n }); $this.Values.Remove($n) }
        $key | Add-Member ScriptMethod Close { [void]$this.Log.Add(@{ op = 'CloseKey' }) }
        $base = New-Object psobject -Property @{ Key = $key; SubKey = $SubKey; Log = $log }
        $base | Add-Member ScriptMethod OpenSubKey { param($p, $w) [void]$this.Log.Add(@{ op = 'OpenSubKey'; path = $p; writable = $w }); if ($p -eq $this.SubKey) { return $this.Key } return $null }
        $base | Add-Member ScriptMethod Close { [void]$this.Log.Add(@{ op = 'CloseBase' }) }
        return $base
    }

    # A ServiceController stand-in: Stop()/Start() set the status the next Refresh() shows.
    function script:New-FakeService([string]$Status, [string]$Behavior = 'normal', [object[]]$Dependents = @()) {
        $log = New-Object System.Collections.ArrayList
        $s = New-Object psobject -Property @{ ServiceName = $WOT.ServiceName; DisplayName = $WOT.Contract.service.displayName; Status = $Status; DependentServices = $Dependents; Next = $null; Behavior = $Behavior; Log = $log }
        $s | Add-Member ScriptMethod Refresh { if ($this.Next) { $this.Status = $this.Next; $this.Next = $null } }
        $s | Add-Member ScriptMethod Stop { [void]$this.Log.Add('Stop'); if ($this.Behavior -eq 'hang') { $this.Next = 'StopPending' } else { $this.Next = 'Stopped' } }
        $s | Add-Member ScriptMethod Start { [void]$this.Log.Add('Start'); if ($this.Behavior -eq 'fail') { $this.Next = 'Stopped' } elseif ($this.Behavior -eq 'hang') { $this.Next = 'StartPending' } else { $this.Next = 'Running' } }
        $s | Add-Member ScriptMethod WaitForStatus { param($st, $ts) [void]$this.Log.Add('WaitForStatus:' + [string]$st + ':' + [string][long]$ts.TotalMilliseconds) }
        $s | Add-Member ScriptMethod Close { [void]$this.Log.Add('Close') }
        return $s
    }

    # Requestor names that must arrive byte for byte (built from code points: this file is ASCII).
    $WOT.Hostile = @(
        "it's",
        'say "hi"',
        ('it' + [char]0x2018 + 's ' + [char]0x2019 + 'q' + [char]0x2019 + ' ' + [char]0x201C + 'dq' + [char]0x201D),
        '$(Remove-Item -Recurse C:\)',
        '${env:USERNAME} `n `$ backtick',
        "a`"b'; Stop-Service MSExchangeDX; '",
        'PO1; x | y',
        ('line1' + [char]10 + 'line2' + [char]13),
        ('Z' + [char]0xFC + 'rich Poste ' + [char]0x2013 + ' B' + [char]0xFC + 'ro'),
        ([string][char]0x6771 + [char]0x4EAC),
        ([char]::ConvertFromUtf32(0x1F4EE) + ' mailbox'),
        '2026-01-02T03:04:05Z',
        '/Date(0)/',
        '  padded  '
    )
}

AfterAll {
    foreach ($stub in @($WOT.Stubs)) { Remove-Item -Path "Function:\$stub" -ErrorAction SilentlyContinue }
    Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
    Remove-Variable -Name WOT -Scope Global -ErrorAction SilentlyContinue
}

Describe 'The contract read by these tests' {
    It 'names the REG_MULTI_SZ value and the service of docs/domain.md (Q150976, Q143380)' {
        $WOT.KeyPath | Should -BeExactly 'HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeDX'
        $WOT.ValueName | Should -BeExactly 'ResyncConnectionRDNs'
        $WOT.Contract.resyncValue.type | Should -BeExactly 'REG_MULTI_SZ'
        $WOT.Contract.resyncValue.psPropertyType | Should -BeExactly 'MultiString'
        $WOT.ServiceName | Should -BeExactly 'MSExchangeDX'
    }
}

Describe 'JSON in and out (_Common.ps1)' {
    It 'keeps hostile and date-like strings exactly, and writes ASCII only' {
        $b64 = ConvertTo-TestBase64 @{ names = $WOT.Hostile }
        $req = ConvertFrom-DssRequest -RequestBase64 $b64
        (Test-SameStrings $req['names'] $WOT.Hostile) | Should -BeTrue
        $req['names'][11] | Should -BeOfType [string]
        $out = ConvertTo-DssJson -Value @{ names = $req['names'] }
        $out | Should -Match '^[\x20-\x7E]+$'
        (Test-SameStrings (ConvertFrom-DssJson -Json $out)['names'] $WOT.Hostile) | Should -BeTrue
    }

    It 'refuses a request that is not base64 JSON with ProtocolError' {
        $r = Invoke-DssScript 'Get-ResyncValue.ps1' @{}
        $r.ok | Should -BeFalse
        $r.error.id | Should -Be 'ProtocolError'
        $lines = @(& (Join-Path $WOT.Ps1 'Get-ResyncValue.ps1') -RequestBase64 "'; Stop-Service x; '")
        $lines.Count | Should -Be 1
        ($lines[0] | ConvertFrom-Json).error.id | Should -Be 'ProtocolError'
    }
}

Describe 'Core scriptblocks run on the DSS (Remoting) and so depend on nothing in _Common.ps1' {
    It 'calls no ResyncGlb helper from inside a core' {
        $helpers = @(Get-Command -CommandType Function | Where-Object { $_.Name -like '*-Dss*' } | ForEach-Object { $_.Name })
        $helpers.Count | Should -BeGreaterThan 5
        $files = @(Get-ChildItem -LiteralPath $WOT.Ps1 -Filter '*.ps1' -Recurse)
        $checked = 0
        foreach ($f in $files) {
            $tokens = $null; $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($f.FullName, [ref]$tokens, [ref]$errors)
            $errors.Count | Should -Be 0 -Because "$($f.Name) parses"
            # Cores: scriptblocks assigned to $core/$readCore/$probeCore, or returned by Get-Dss*Core.
            $cores = $ast.FindAll({
                    param($n)
                    if ($n -isnot [System.Management.Automation.Language.ScriptBlockExpressionAst]) { return $false }
                    $p = $n.Parent
                    if ($p -is [System.Management.Automation.Language.CommandExpressionAst]) { $p = $p.Parent }
                    if ($p -is [System.Management.Automation.Language.PipelineAst]) { $p = $p.Parent }
                    if ($p -is [System.Management.Automation.Language.AssignmentStatementAst]) { return ($p.Left.Extent.Text -match '^\$(core|readCore|probeCore)$') }
                    if ($p -is [System.Management.Automation.Language.ReturnStatementAst]) {
                        $fn = $p.Parent
                        while ($fn -and $fn -isnot [System.Management.Automation.Language.FunctionDefinitionAst]) { $fn = $fn.Parent }
                        return ($fn -and $fn.Name -like 'Get-Dss*Core')
                    }
                    return $false
                }, $true)
            foreach ($c in $cores) {
                $checked++
                $calls = $c.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() }
                foreach ($name in $calls) { $helpers | Should -Not -Contain $name -Because "a core in $($f.Name) runs where _Common.ps1 is not loaded" }
            }
        }
        $checked | Should -BeGreaterOrEqual 8
    }
}

Describe '_Common.ps1 from its parts (ps1/common), and as it ships (dist/ResyncGlb/ps1, assembled by build.mjs)' {
    It 'the shipped file defines exactly the functions of the parts, each with the same text' {
        $topFunctions = {
            param([string]$Path)
            $tokens = $null; $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
            $errors.Count | Should -Be 0 -Because "$Path parses"
            $map = @{}
            foreach ($st in $ast.EndBlock.Statements) {
                if ($st -is [System.Management.Automation.Language.FunctionDefinitionAst]) { $map[$st.Name] = $st.Extent.Text }
            }
            return $map
        }
        $fromParts = @{}
        foreach ($part in @(Get-ChildItem -LiteralPath (Join-Path $WOT.Ps1 'common') -Filter '*.ps1')) {
            $m = & $topFunctions $part.FullName
            foreach ($k in $m.Keys) { $fromParts.ContainsKey($k) | Should -BeFalse -Because "$k is defined once"; $fromParts[$k] = $m[$k] }
        }
        $shipped = & $topFunctions (Join-Path (Join-Path (Join-Path (Join-Path $WOT.Root 'dist') 'ResyncGlb') 'ps1') '_Common.ps1')
        $fromParts.Count | Should -BeGreaterThan 30
        @($shipped.Keys | Sort-Object) | Should -Be @($fromParts.Keys | Sort-Object)
        foreach ($k in $fromParts.Keys) { $shipped[$k] | Should -BeExactly $fromParts[$k] -Because "$k ships as written" }
    }

    It 'a script whose _Common.ps1 cannot be loaded (a part missing or broken) writes the Internal envelope, one line' {
        $copy = Join-Path ([System.IO.Path]::GetTempPath()) ('resyncglb-ps1-' + [Guid]::NewGuid().ToString('N'))
        Copy-Item -LiteralPath $WOT.Ps1 -Destination $copy -Recurse
        try {
            Set-Content -LiteralPath (Join-Path (Join-Path $copy 'common') 'Json.ps1') -Value 'function Broken {'
            $lines = @(& (Join-Path $copy 'Get-DxService.ps1') -RequestBase64 (ConvertTo-TestBase64 (New-Request)))
            $lines.Count | Should -Be 1
            $r = $lines[0] | ConvertFrom-Json
            $r.ok | Should -BeFalse
            $r.error.id | Should -Be 'Internal'
            Remove-Item -LiteralPath (Join-Path (Join-Path $copy 'common') 'Json.ps1')
            (@(& (Join-Path $copy 'Initialize-DssSession.ps1') -RequestBase64 (ConvertTo-TestBase64 (New-Request)))[0] | ConvertFrom-Json).error.id | Should -Be 'Internal'
        } finally {
            Remove-Item -LiteralPath $copy -Recurse -Force
        }
    }
}

Describe 'Get-ResyncValue.ps1' {
    Context 'Local' {
        It 'reads the REG_MULTI_SZ value from the contract key' {
            Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
            Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = [string[]]@('PO1', 'PO 2'); ImagePath = 'C:\exchsrvr\bin\dxa.exe' } } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
            $r = Invoke-DssScript 'Get-ResyncValue.ps1' (New-Request 'Local')
            $r.ok | Should -BeTrue
            $r.data.kind | Should -Be 'MultiString'
            @($r.data.values) | Should -Be @('PO1', 'PO 2')
            Should -Invoke Get-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        }

        It 'reports an absent value, another kind, and a missing key' {
            Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
            Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = 'x' } }
            (Invoke-DssScript 'Get-ResyncValue.ps1' (New-Request)).data.present | Should -BeFalse
            Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = 'PO1' } }
            (Invoke-DssScript 'Get-ResyncValue.ps1' (New-Request)).data.kind | Should -Be 'String'
            Mock Test-Path { $false } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
            $r = Invoke-DssScript 'Get-ResyncValue.ps1' (New-Request)
            $r.data.keyExists | Should -BeFalse
        }
    }

    Context 'Remoting' {
        BeforeEach {
            $WOT.FakeSession = [pscustomobject]@{ State = 'Opened'; ComputerName = 'DSS01' }
            $global:ResyncGlbDss = @{ Transport = 'Remoting'; ComputerName = 'DSS01'; Session = $WOT.FakeSession }
        }
        AfterEach { Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue }

        It 'runs the core through Invoke-Command on the open session' {
            Mock Invoke-Command { & $ScriptBlock @ArgumentList } -RemoveParameterType Session
            Mock Test-Path { $true }
            Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = [string[]]@('PO1') } }
            $r = Invoke-DssScript 'Get-ResyncValue.ps1' (New-Request 'Remoting')
            @($r.data.values) | Should -Be @('PO1')
            Should -Invoke Invoke-Command -Exactly 1 -ParameterFilter { $Session -eq $WOT.FakeSession -and $ArgumentList[0] -eq $WOT.KeyPath -and $ArgumentList[1] -eq $WOT.ValueName }
            Should -Invoke Get-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        }

        It 'a broken session is ConnectionLost, and a transport failure too' {
            $WOT.FakeSession.State = 'Broken'
            (Invoke-DssScript 'Get-ResyncValue.ps1' (New-Request 'Remoting')).error.id | Should -Be 'ConnectionLost'
            $WOT.FakeSession.State = 'Opened'
            Mock Invoke-Command { throw (New-Object System.Management.Automation.Remoting.PSRemotingTransportException('The WinRM client cannot process the request.')) } -RemoveParameterType Session
            (Invoke-DssScript 'Get-ResyncValue.ps1' (New-Request 'Remoting')).error.id | Should -Be 'ConnectionLost'
        }
    }

    Context 'Rpc' {
        It 'reads through the remote registry of the named computer' {
            $WOT.Reg = New-FakeRemoteRegistry $WOT.Contract.serviceKey.subKey @{ ResyncConnectionRDNs = @('PO1', 'PO2') } @{ ResyncConnectionRDNs = 'MultiString' }
            Mock Open-DssRemoteBaseKey { $WOT.Reg }
            $r = Invoke-DssScript 'Get-ResyncValue.ps1' (New-Request 'Rpc')
            $r.data.kind | Should -Be 'MultiString'
            @($r.data.values) | Should -Be @('PO1', 'PO2')
            Should -Invoke Open-DssRemoteBaseKey -Exactly 1 -ParameterFilter { $Hive -eq 'HKEY_LOCAL_MACHINE' -and $ComputerName -eq 'DSS01' }
            ($WOT.Reg.Log | Where-Object { $_.op -eq 'OpenSubKey' }).writable | Should -BeFalse
        }
    }
}

Describe 'Set-ResyncValue.ps1' {
    Context 'Local' {
        BeforeEach { Add-ValueWriteMock }

        It 'creates a missing value with New-ItemProperty -PropertyType MultiString, names byte for byte' {
            Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = 'x' } }
            $r = Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = $WOT.Hostile })
            $r.ok | Should -BeTrue
            $r.data.action | Should -Be 'Created'
            Should -Invoke New-ItemProperty -Exactly 1 -ParameterFilter {
                $LiteralPath -eq $WOT.KeyPath -and $Name -ceq $WOT.ValueName -and $PropertyType -eq 'MultiString' -and
                $Value -is [string[]] -and (Test-SameStrings $Value $WOT.Hostile)
            }
            Should -Invoke Set-ItemProperty -Exactly 0
            Should -Invoke Remove-ItemProperty -Exactly 0
        }

        It 'writes nothing when the value already holds exactly these names' {
            Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = [string[]]@('PO1', 'PO2') } }
            $r = Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1', 'PO2') })
            $r.data.action | Should -Be 'None'
            Should -Invoke New-ItemProperty -Exactly 0
            Should -Invoke Set-ItemProperty -Exactly 0
            Should -Invoke Remove-ItemProperty -Exactly 0
        }

        It 'updates an existing REG_MULTI_SZ with Set-ItemProperty (case and order matter)' {
            Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = [string[]]@('po1', 'PO2') } }
            $r = Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1', 'PO2') })
            $r.data.action | Should -Be 'Updated'
            Should -Invoke Set-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath -and $Name -ceq $WOT.ValueName -and (Test-SameStrings $Value @('PO1', 'PO2')) }
            Should -Invoke New-ItemProperty -Exactly 0
        }

        It 'replaces a value of another kind: Remove-ItemProperty, then New-ItemProperty MultiString' {
            Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = 'PO1' } }
            $r = Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1') })
            $r.data.action | Should -Be 'Replaced'
            @($WOT.Order) | Should -Be @('Remove', 'New')
            Should -Invoke Remove-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath -and $Name -ceq $WOT.ValueName }
            Should -Invoke New-ItemProperty -Exactly 1 -ParameterFilter { $PropertyType -eq 'MultiString' -and (Test-SameStrings $Value @('PO1')) }
        }

        It 'writes nothing without the service key (ServiceNotFound) or without names (InvalidRequestor)' {
            Mock Test-Path { $false } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
            (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1') })).error.id | Should -Be 'ServiceNotFound'
            (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @() })).error.id | Should -Be 'InvalidRequestor'
            (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1', '') })).error.id | Should -Be 'InvalidRequestor'
            Should -Invoke New-ItemProperty -Exactly 0
            Should -Invoke Set-ItemProperty -Exactly 0
        }

        It 'reports what the value held as previous: null when created, the strings otherwise' {
            Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = 'x' } }
            $r = Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1') })
            $WOT.LastLine | Should -Match '"previous":null'
            Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = [string[]]@('PO1', 'PO2') } }
            (Test-SameStrings (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1', 'PO2') })).data.previous @('PO1', 'PO2')) | Should -BeTrue
            (Test-SameStrings (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO3') })).data.previous @('PO1', 'PO2')) | Should -BeTrue
            Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = 'PO1' } }
            (Test-SameStrings (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1') })).data.previous @('PO1')) | Should -BeTrue
            Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = [int]5 } }
            $r = Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1') })
            $r.data.action | Should -Be 'Replaced'
            $WOT.LastLine | Should -Match '"previous":\["5"\]'
        }

        It 'maps a registry access failure to AccessDenied' {
            Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = 'x' } }
            Mock New-ItemProperty { throw (New-Object System.UnauthorizedAccessException('Requested registry access is not allowed.')) }
            (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Local' @{ names = @('PO1') })).error.id | Should -Be 'AccessDenied'
        }
    }

    Context 'Remoting' {
        It 'runs the same core on the DSS through the session, names intact' {
            $WOT.FakeSession = [pscustomobject]@{ State = 'Opened' }
            $global:ResyncGlbDss = @{ Transport = 'Remoting'; ComputerName = 'DSS01'; Session = $WOT.FakeSession }
            try {
                Mock Invoke-Command { & $ScriptBlock @ArgumentList } -RemoveParameterType Session
                Mock Test-Path { $true }
                Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = 'x' } }
                Mock New-ItemProperty { }
                (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Remoting' @{ names = $WOT.Hostile })).data.action | Should -Be 'Created'
                Should -Invoke Invoke-Command -Exactly 1 -ParameterFilter { $Session -eq $WOT.FakeSession }
                Should -Invoke New-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath -and $PropertyType -eq 'MultiString' -and (Test-SameStrings $Value $WOT.Hostile) }
            } finally {
                Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
            }
        }
    }

    Context 'Rpc' {
        It 'creates the value with RegistryValueKind.MultiString on a writable remote key' {
            $WOT.Reg = New-FakeRemoteRegistry $WOT.Contract.serviceKey.subKey @{} @{}
            Mock Open-DssRemoteBaseKey { $WOT.Reg }
            (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Rpc' @{ names = $WOT.Hostile })).data.action | Should -Be 'Created'
            $set = @($WOT.Reg.Log | Where-Object { $_.op -eq 'SetValue' })
            $set.Count | Should -Be 1
            $set[0].name | Should -BeExactly $WOT.ValueName
            $set[0].kind | Should -Be ([Microsoft.Win32.RegistryValueKind]::MultiString)
            (Test-SameStrings $set[0].value $WOT.Hostile) | Should -BeTrue
            ($WOT.Reg.Log | Where-Object { $_.op -eq 'OpenSubKey' }).writable | Should -BeTrue
            ($WOT.Reg.Log | Where-Object { $_.op -eq 'OpenSubKey' }).path | Should -BeExactly $WOT.Contract.serviceKey.subKey
        }

        It 'writes nothing when equal, and replaces another kind' {
            $WOT.Reg = New-FakeRemoteRegistry $WOT.Contract.serviceKey.subKey @{ ResyncConnectionRDNs = @('PO1') } @{ ResyncConnectionRDNs = 'MultiString' }
            Mock Open-DssRemoteBaseKey { $WOT.Reg }
            (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Rpc' @{ names = @('PO1') })).data.action | Should -Be 'None'
            @($WOT.Reg.Log | Where-Object { $_.op -eq 'SetValue' -or $_.op -eq 'DeleteValue' }).Count | Should -Be 0
            $WOT.Reg = New-FakeRemoteRegistry $WOT.Contract.serviceKey.subKey @{ ResyncConnectionRDNs = 'PO1' } @{ ResyncConnectionRDNs = 'String' }
            (Invoke-DssScript 'Set-ResyncValue.ps1' (New-Request 'Rpc' @{ names = @('PO1') })).data.action | Should -Be 'Replaced'
            @($WOT.Reg.Log | Where-Object { $_.op -eq 'SetValue' -or $_.op -eq 'DeleteValue' } | ForEach-Object { $_.op }) | Should -Be @('DeleteValue', 'SetValue')
        }
    }
}

Describe 'Set-GlobalMaxSeq.ps1 (the write core and the Rpc writer, as REG_DWORD)' {
    BeforeAll {
        $WOT.SeqName = $WOT.Contract.globalMaxSeqValue.name
        function script:New-SeqRequest([string]$Transport, $Data) {
            return (New-Request $Transport @{ value = @{ name = $WOT.SeqName }; data = $Data })
        }
    }

    Context 'Local' {
        BeforeEach { Add-ValueWriteMock }

        It 'creates a missing value with New-ItemProperty -PropertyType DWord; data is the action alone' {
            Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = 'x' } }
            $r = Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Local' 1)
            $r.data.action | Should -Be 'Created'
            @($r.data.PSObject.Properties | ForEach-Object { $_.Name }) | Should -Be @('action')
            Should -Invoke New-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath -and $Name -ceq $WOT.SeqName -and $PropertyType -eq 'DWord' -and $Value -is [int] -and $Value -eq 1 }
            @($WOT.Order) | Should -Be @('New')
        }

        It 'leaves an equal REG_DWORD alone, and updates another number with Set-ItemProperty' {
            Mock Get-ItemProperty { [pscustomobject]@{ GlobalMaxSeqInResync = [int]1 } }
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Local' 1)).data.action | Should -Be 'None'
            @($WOT.Order).Count | Should -Be 0
            Mock Get-ItemProperty { [pscustomobject]@{ GlobalMaxSeqInResync = [int]7 } }
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Local' 1)).data.action | Should -Be 'Updated'
            Should -Invoke Set-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath -and $Name -ceq $WOT.SeqName -and $Value -is [int] -and $Value -eq 1 }
            @($WOT.Order) | Should -Be @('Set')
        }

        It 'replaces a value of another kind (REG_SZ "1"): Remove-ItemProperty, then New-ItemProperty DWord' {
            Mock Get-ItemProperty { [pscustomobject]@{ GlobalMaxSeqInResync = '1' } }
            $r = Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Local' 1)
            $r.data.action | Should -Be 'Replaced'
            @($WOT.Order) | Should -Be @('Remove', 'New')
            Should -Invoke New-ItemProperty -Exactly 1 -ParameterFilter { $PropertyType -eq 'DWord' -and $Value -is [int] -and $Value -eq 1 }
        }

        It 'removes with data null (Removed), does nothing when absent (None), and writes nothing without the key' {
            Mock Get-ItemProperty { [pscustomobject]@{ GlobalMaxSeqInResync = [int]1 } }
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Local' $null)).data.action | Should -Be 'Removed'
            Should -Invoke Remove-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath -and $Name -ceq $WOT.SeqName }
            Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = 'x' } }
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Local' $null)).data.action | Should -Be 'None'
            Mock Test-Path { $false } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Local' $null)).error.id | Should -Be 'ServiceNotFound'
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Local' 1)).error.id | Should -Be 'ServiceNotFound'
            @($WOT.Order) | Should -Be @('Remove')
        }
    }

    Context 'Remoting' {
        BeforeEach {
            $WOT.FakeSession = [pscustomobject]@{ State = 'Opened' }
            $global:ResyncGlbDss = @{ Transport = 'Remoting'; ComputerName = 'DSS01'; Session = $WOT.FakeSession }
            Mock Invoke-Command { & $ScriptBlock @ArgumentList } -RemoveParameterType Session
            Add-ValueWriteMock
        }
        AfterEach { Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue }

        It 'runs the write core on the DSS through the session: another kind is replaced by a REG_DWORD' {
            Mock Get-ItemProperty { [pscustomobject]@{ GlobalMaxSeqInResync = [byte[]]@(1, 0, 0, 0) } }
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Remoting' 1)).data.action | Should -Be 'Replaced'
            Should -Invoke Invoke-Command -Exactly 1 -ParameterFilter { $Session -eq $WOT.FakeSession }
            @($WOT.Order) | Should -Be @('Remove', 'New')
            Should -Invoke New-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath -and $PropertyType -eq 'DWord' -and $Value -eq 1 }
        }
    }

    Context 'Rpc' {
        It 'creates with RegistryValueKind.DWord, leaves an equal value alone, updates, replaces another kind, removes' {
            $writes = { @($WOT.Reg.Log | Where-Object { $_.op -eq 'SetValue' -or $_.op -eq 'DeleteValue' }) }
            $WOT.Reg = New-FakeRemoteRegistry $WOT.Contract.serviceKey.subKey @{} @{}
            Mock Open-DssRemoteBaseKey { $WOT.Reg }
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Rpc' 1)).data.action | Should -Be 'Created'
            $set = @(& $writes)
            $set.Count | Should -Be 1
            $set[0].name | Should -BeExactly $WOT.SeqName
            $set[0].kind | Should -Be ([Microsoft.Win32.RegistryValueKind]::DWord)
            $set[0].value | Should -BeOfType [int]
            $set[0].value | Should -Be 1
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Rpc' 1)).data.action | Should -Be 'None'
            @(& $writes).Count | Should -Be 1
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Rpc' 2)).data.action | Should -Be 'Updated'
            @(& $writes | ForEach-Object { $_.op }) | Should -Be @('SetValue', 'SetValue')

            $WOT.Reg = New-FakeRemoteRegistry $WOT.Contract.serviceKey.subKey @{ GlobalMaxSeqInResync = '1' } @{ GlobalMaxSeqInResync = 'String' }
            $r = Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Rpc' 1)
            $r.data.action | Should -Be 'Replaced'
            @($r.data.PSObject.Properties | ForEach-Object { $_.Name }) | Should -Be @('action')
            @(& $writes | ForEach-Object { $_.op }) | Should -Be @('DeleteValue', 'SetValue')
            (& $writes)[1].kind | Should -Be ([Microsoft.Win32.RegistryValueKind]::DWord)
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Rpc' $null)).data.action | Should -Be 'Removed'
            (Invoke-DssScript 'Set-GlobalMaxSeq.ps1' (New-SeqRequest 'Rpc' $null)).data.action | Should -Be 'None'
            @(& $writes | ForEach-Object { $_.op }) | Should -Be @('DeleteValue', 'SetValue', 'DeleteValue')
        }
    }
}

Describe 'Get-DxaSequenceSettings.ps1 and the ImagePath''s binary' {
    It 'takes the binary out of an ImagePath: inside its quotes, else up to .EXE; environment strings kept' {
        Get-DssImageBinary -ImagePath 'C:\EXCHSRVR\BIN\DXA.EXE' | Should -BeExactly 'C:\EXCHSRVR\BIN\DXA.EXE'
        Get-DssImageBinary -ImagePath '  C:\EXCHSRVR\BIN\DXA.EXE -service  ' | Should -BeExactly 'C:\EXCHSRVR\BIN\DXA.EXE'
        Get-DssImageBinary -ImagePath '"C:\Program Files\Exch.exe.d\BIN\DXA.EXE" -service' | Should -BeExactly 'C:\Program Files\Exch.exe.d\BIN\DXA.EXE'
        Get-DssImageBinary -ImagePath '"%SystemDrive%\EXCHSRVR\BIN\DXA"' | Should -BeExactly '%SystemDrive%\EXCHSRVR\BIN\DXA'
        Get-DssImageBinary -ImagePath '"C:\EXCHSRVR\BIN\DXA.EXE -service' | Should -BeExactly 'C:\EXCHSRVR\BIN\DXA.EXE'
        Get-DssImageBinary -ImagePath '' | Should -BeExactly ''
        Get-DssImageBinary -ImagePath $null | Should -BeExactly ''
    }

    It 'Remoting: reads the values on the DSS, then the version of the binary there, with the DSS''s environment' {
        $WOT.Dll = [System.Management.Automation.PSObject].Assembly.Location
        $info = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($WOT.Dll)
        $expected = [string]$info.FileMajorPart + '.' + [string]$info.FileMinorPart + '.' + [string]$info.FileBuildPart + '.' + [string]$info.FilePrivatePart
        $WOT.Binary = '%RESYNCGLB_TEST_DXA%' + [System.IO.Path]::DirectorySeparatorChar + (Split-Path -Leaf $WOT.Dll)
        $WOT.Image = '"' + $WOT.Binary + '" -service'
        $WOT.FakeSession = [pscustomobject]@{ State = 'Opened' }
        $global:ResyncGlbDss = @{ Transport = 'Remoting'; ComputerName = 'DSS01'; Session = $WOT.FakeSession }
        $env:RESYNCGLB_TEST_DXA = Split-Path -Parent $WOT.Dll
        try {
            Mock Invoke-Command { & $ScriptBlock @ArgumentList } -RemoveParameterType Session
            Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
            Mock Get-ItemProperty { [pscustomobject]@{ GlobalMaxSeqInResync = [int]1; ImagePath = $WOT.Image } }
            $r = Invoke-DssScript 'Get-DxaSequenceSettings.ps1' (New-Request 'Remoting' @{ value = @{ name = $WOT.Contract.globalMaxSeqValue.name }; imagePathValue = $WOT.Contract.imagePathValue.name })
            $r.ok | Should -BeTrue
            $r.data.keyExists | Should -BeTrue
            $r.data.present | Should -BeTrue
            $r.data.kind | Should -Be 'DWord'
            $r.data.value | Should -Be 1
            $r.data.imagePath | Should -BeExactly $WOT.Image
            $r.data.version | Should -BeExactly $expected
            # Both reads go to the DSS; the binary travels unexpanded, as data, and is expanded there.
            Should -Invoke Invoke-Command -Exactly 2 -ParameterFilter { $Session -eq $WOT.FakeSession }
            Should -Invoke Invoke-Command -Exactly 1 -ParameterFilter { $ArgumentList[0] -eq 'Version' -and $ArgumentList[1] -ceq $WOT.Binary }
        } finally {
            Remove-Item -Path Env:\RESYNCGLB_TEST_DXA -ErrorAction SilentlyContinue
            Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
        }
    }

    It 'Local: no ImagePath, no version read; no service key, keyExists false' {
        Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        Mock Get-ItemProperty { [pscustomobject]@{ GlobalMaxSeqInResync = 'x' } }
        Mock Get-DssFileCore { throw 'no binary to read' }
        $req = New-Request 'Local' @{ value = @{ name = $WOT.Contract.globalMaxSeqValue.name }; imagePathValue = $WOT.Contract.imagePathValue.name }
        $r = Invoke-DssScript 'Get-DxaSequenceSettings.ps1' $req
        $r.data.present | Should -BeTrue
        $r.data.kind | Should -Be 'String'
        $r.data.value | Should -BeNullOrEmpty
        $r.data.imagePath | Should -BeNullOrEmpty
        $r.data.version | Should -BeNullOrEmpty
        Mock Test-Path { $false } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        $r = Invoke-DssScript 'Get-DxaSequenceSettings.ps1' $req
        $r.data.keyExists | Should -BeFalse
        Should -Invoke Get-DssFileCore -Exactly 0
    }

    It 'Rpc: the binary is read over the admin share; an opening quote without its closing one is dropped' {
        Mock Get-DssRpcValue { @{ keyExists = $true; present = $true; kind = 'DWord'; value = [int]0 } }
        Mock Get-DssRpcValue { @{ keyExists = $true; present = $true; kind = 'ExpandString'; value = '"C:\EXCHSRVR\BIN\DXA.EXE -service' } } -ParameterFilter { $Name -eq $WOT.Contract.imagePathValue.name }
        Mock Get-DssFileCore { { param($Action, $Path) $WOT.VersionRead = @($Action, $Path); @{ ok = $true; data = @{ version = '5.5.2653.0' } } } }
        $WOT.VersionRead = $null
        $r = Invoke-DssScript 'Get-DxaSequenceSettings.ps1' (New-Request 'Rpc' @{ value = @{ name = $WOT.Contract.globalMaxSeqValue.name }; imagePathValue = $WOT.Contract.imagePathValue.name })
        $r.data.value | Should -Be 0
        $r.data.version | Should -BeExactly '5.5.2653.0'
        $WOT.VersionRead | Should -Be @('Version', '\\DSS01\C$\EXCHSRVR\BIN\DXA.EXE')
        # A path with an environment string cannot be expanded from here: left unread.
        Mock Get-DssRpcValue { @{ keyExists = $true; present = $true; kind = 'ExpandString'; value = '%SystemDrive%\EXCHSRVR\BIN\DXA.EXE' } } -ParameterFilter { $Name -eq $WOT.Contract.imagePathValue.name }
        $WOT.VersionRead = $null
        $r = Invoke-DssScript 'Get-DxaSequenceSettings.ps1' (New-Request 'Rpc' @{ value = @{ name = $WOT.Contract.globalMaxSeqValue.name }; imagePathValue = $WOT.Contract.imagePathValue.name })
        $r.data.version | Should -BeNullOrEmpty
        $WOT.VersionRead | Should -BeNullOrEmpty
    }
}

Describe 'Remove-ResyncValue.ps1' {
    It 'removes a present value with Remove-ItemProperty, and does nothing when absent' {
        Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        Mock Remove-ItemProperty { }
        Mock Get-ItemProperty { [pscustomobject]@{ ResyncConnectionRDNs = [string[]]@('PO1') } }
        (Invoke-DssScript 'Remove-ResyncValue.ps1' (New-Request)).data.removed | Should -BeTrue
        Should -Invoke Remove-ItemProperty -Exactly 1 -ParameterFilter { $LiteralPath -eq $WOT.KeyPath -and $Name -ceq $WOT.ValueName }
        Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = 'x' } }
        (Invoke-DssScript 'Remove-ResyncValue.ps1' (New-Request)).data.removed | Should -BeFalse
        Should -Invoke Remove-ItemProperty -Exactly 1
    }

    It 'a missing service key is nothing to remove: removed false, no error, nothing written (Local, Rpc)' {
        Mock Test-Path { $false } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        Mock Remove-ItemProperty { }
        $r = Invoke-DssScript 'Remove-ResyncValue.ps1' (New-Request)
        $r.ok | Should -BeTrue
        $r.data.removed | Should -BeFalse
        Should -Invoke Remove-ItemProperty -Exactly 0
        $WOT.Reg = New-FakeRemoteRegistry 'SOFTWARE\Other' @{} @{}
        Mock Open-DssRemoteBaseKey { $WOT.Reg }
        $r = Invoke-DssScript 'Remove-ResyncValue.ps1' (New-Request 'Rpc')
        $r.ok | Should -BeTrue
        $r.data.removed | Should -BeFalse
        @($WOT.Reg.Log | Where-Object { $_.op -eq 'DeleteValue' }).Count | Should -Be 0
    }

    It 'Rpc: DeleteValue on the remote key' {
        $WOT.Reg = New-FakeRemoteRegistry $WOT.Contract.serviceKey.subKey @{ ResyncConnectionRDNs = @('PO1') } @{ ResyncConnectionRDNs = 'MultiString' }
        Mock Open-DssRemoteBaseKey { $WOT.Reg }
        (Invoke-DssScript 'Remove-ResyncValue.ps1' (New-Request 'Rpc')).data.removed | Should -BeTrue
        @($WOT.Reg.Log | Where-Object { $_.op -eq 'DeleteValue' }).name | Should -BeExactly $WOT.ValueName
    }
}

Describe 'The service scripts' {
    Context 'Local and Remoting: Get-Service, then the controller with WaitForStatus and a TimeSpan' {
        BeforeEach {
            Mock Stop-Service { }
            Mock Start-Service { }
        }

        It 'reports the service with its dependent services' {
            $dep = [pscustomobject]@{ ServiceName = 'DependsOnDX'; Status = 'Stopped' }
            $WOT.Svc = New-FakeService 'Running' 'normal' @($dep)
            Mock Get-Service { $WOT.Svc } -ParameterFilter { $Name -eq $WOT.ServiceName }
            $r = Invoke-DssScript 'Get-DxService.ps1' (New-Request)
            $r.data.exists | Should -BeTrue
            $r.data.status | Should -Be 'Running'
            $r.data.name | Should -BeExactly $WOT.ServiceName
            @($r.data.dependentServices).name | Should -Be 'DependsOnDX'
            Should -Invoke Get-Service -Exactly 1 -ParameterFilter { $Name -eq $WOT.ServiceName }
        }

        It 'reports a missing service as exists:false, and stop/start as ServiceNotFound' {
            Mock Get-Service { Write-Error -Message 'Cannot find any service with service name' -Category ObjectNotFound }
            (Invoke-DssScript 'Get-DxService.ps1' (New-Request)).data.exists | Should -BeFalse
            (Invoke-DssScript 'Stop-DxService.ps1' (New-Request 'Local' @{ timeoutMs = 1000 })).error.id | Should -Be 'ServiceNotFound'
            (Invoke-DssScript 'Start-DxService.ps1' (New-Request 'Local' @{ timeoutMs = 1000 })).error.id | Should -Be 'ServiceNotFound'
        }

        It 'stops with Stop() and WaitForStatus(Stopped, the timeout), not with Stop-Service' {
            $WOT.Svc = New-FakeService 'Running'
            Mock Get-Service { $WOT.Svc } -ParameterFilter { $Name -eq $WOT.ServiceName }
            $r = Invoke-DssScript 'Stop-DxService.ps1' (New-Request 'Local' @{ timeoutMs = 45000 })
            $r.data.status | Should -Be 'Stopped'
            $WOT.Svc.Log[0] | Should -Be 'Stop'
            $WOT.Svc.Log[1] | Should -Match '^WaitForStatus:Stopped:(\d+)$'
            [long]($WOT.Svc.Log[1].Split(':')[2]) | Should -BeLessOrEqual 45000
            [long]($WOT.Svc.Log[1].Split(':')[2]) | Should -BeGreaterThan 30000
            Should -Invoke Stop-Service -Exactly 0
        }

        It 'a service that does not stop in time is ServiceStopTimeout' {
            $WOT.Svc = New-FakeService 'Running' 'hang'
            Mock Get-Service { $WOT.Svc }
            $r = Invoke-DssScript 'Stop-DxService.ps1' (New-Request 'Local' @{ timeoutMs = 200 })
            $r.error.id | Should -Be 'ServiceStopTimeout'
            $r.error.message | Should -Match 'StopPending'
        }

        It 'never stops running dependent services: refuses instead' {
            $dep = [pscustomobject]@{ ServiceName = 'DependsOnDX'; Status = 'Running' }
            $WOT.Svc = New-FakeService 'Running' 'normal' @($dep)
            Mock Get-Service { $WOT.Svc }
            $r = Invoke-DssScript 'Stop-DxService.ps1' (New-Request 'Local' @{ timeoutMs = 1000 })
            $r.error.id | Should -Be 'OperationFailed'
            $r.error.message | Should -Match 'DependsOnDX'
            $WOT.Svc.Log | Should -Not -Contain 'Stop'
        }

        It 'starts with Start() and waits for Running; a service that stops while starting is ServiceStartFailed' {
            $WOT.Svc = New-FakeService 'Stopped'
            Mock Get-Service { $WOT.Svc } -ParameterFilter { $Name -eq $WOT.ServiceName }
            (Invoke-DssScript 'Start-DxService.ps1' (New-Request 'Local' @{ timeoutMs = 5000 })).data.status | Should -Be 'Running'
            $WOT.Svc.Log[0] | Should -Be 'Start'
            $WOT.Svc.Log[1] | Should -Match '^WaitForStatus:Running:'
            Should -Invoke Start-Service -Exactly 0
            $WOT.Svc = New-FakeService 'Stopped' 'fail'
            $r = Invoke-DssScript 'Start-DxService.ps1' (New-Request 'Local' @{ timeoutMs = 5000 })
            $r.error.id | Should -Be 'ServiceStartFailed'
            $r.error.message | Should -Match 'stopped while starting'
            $WOT.Svc = New-FakeService 'Stopped' 'hang'
            $r = Invoke-DssScript 'Start-DxService.ps1' (New-Request 'Local' @{ timeoutMs = 300 })
            $r.error.id | Should -Be 'ServiceStartFailed'
            $r.error.message | Should -Match 'StartPending'
        }

        It 'Remoting: the same core runs on the DSS through the session' {
            $WOT.FakeSession = [pscustomobject]@{ State = 'Opened' }
            $global:ResyncGlbDss = @{ Transport = 'Remoting'; ComputerName = 'DSS01'; Session = $WOT.FakeSession }
            try {
                $WOT.Svc = New-FakeService 'Running'
                Mock Invoke-Command { & $ScriptBlock @ArgumentList } -RemoveParameterType Session
                Mock Get-Service { $WOT.Svc } -ParameterFilter { $Name -eq $WOT.ServiceName }
                (Invoke-DssScript 'Stop-DxService.ps1' (New-Request 'Remoting' @{ timeoutMs = 1000 })).data.status | Should -Be 'Stopped'
                Should -Invoke Invoke-Command -Exactly 1 -ParameterFilter { $Session -eq $WOT.FakeSession -and $ArgumentList[0] -eq 'Stop' -and $ArgumentList[1] -eq $WOT.ServiceName -and $ArgumentList[2] -eq 1000 }
            } finally {
                Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
            }
        }
    }

    Context 'Rpc: a ServiceController for the remote computer' {
        It 'stops and starts the contract service on the named computer, with one ServiceController for the session' {
            $WOT.Svc = New-FakeService 'Running'
            $global:ResyncGlbDss = @{ Transport = 'Rpc'; ComputerName = 'DSS01'; Drive = $null }
            try {
                Mock Get-DssServiceController { $WOT.Svc } -ParameterFilter { $Name -eq $WOT.ServiceName -and $ComputerName -eq 'DSS01' }
                (Invoke-DssScript 'Stop-DxService.ps1' (New-Request 'Rpc' @{ timeoutMs = 1000 })).data.status | Should -Be 'Stopped'
                (Invoke-DssScript 'Start-DxService.ps1' (New-Request 'Rpc' @{ timeoutMs = 1000 })).data.status | Should -Be 'Running'
                (Invoke-DssScript 'Get-DxService.ps1' (New-Request 'Rpc')).data.status | Should -Be 'Running'
                # Each new controller is an RPC bind to the DSS (up to 20 s when port 135 is filtered): one per session.
                Should -Invoke Get-DssServiceController -Exactly 1 -ParameterFilter { $Name -eq $WOT.ServiceName -and $ComputerName -eq 'DSS01' }
                @($WOT.Svc.Log | Where-Object { $_ -eq 'Stop' -or $_ -eq 'Start' -or $_ -eq 'Close' }) | Should -Be @('Stop', 'Start')
                $null = Invoke-DssScript 'Close-DssSession.ps1' @{}
                @($WOT.Svc.Log | Where-Object { $_ -eq 'Stop' -or $_ -eq 'Start' -or $_ -eq 'Close' }) | Should -Be @('Stop', 'Start', 'Close')
            } finally {
                Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
            }
        }

        It 'a service that does not exist there is exists:false' {
            Mock Get-DssServiceController { $null }
            (Invoke-DssScript 'Get-DxService.ps1' (New-Request 'Rpc')).data.exists | Should -BeFalse
        }
    }
}

Describe 'Resolve-Dxadata.ps1' {
    BeforeEach {
        # Windows paths built the way the script builds them (with a backslash), under TestDrive so they
        # can exist here; created through .NET, which keeps a backslash literal off Windows.
        $WOT.Install = Join-Path $TestDrive ('exchsrvr' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $WOT.SetupPath = $WOT.Contract.setupKey.psPath
        $WOT.Request = New-Request 'Local' @{
            explicitPath = $null
            serviceKey = @{ hive = $WOT.Contract.serviceKey.hive; subKey = $WOT.Contract.serviceKey.subKey; psPath = $WOT.Contract.serviceKey.psPath }
            dxaDataPathValue = $WOT.Contract.dxaDataPathValue.name
            imagePathValue = $WOT.Contract.imagePathValue.name
            setupKey = @{ hive = $WOT.Contract.setupKey.hive; subKey = $WOT.Contract.setupKey.subKey; psPath = $WOT.Contract.setupKey.psPath }
            installPathValue = $WOT.Contract.setupKey.installPathValue
            dxadataFolder = $WOT.Contract.dxadataFolder
            binary = $WOT.Contract.service.binary
        }
        Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath -or $LiteralPath -eq $WOT.SetupPath }
    }

    It 'Rpc: a denied, disabled or unreachable admin share is named and classified, never DxadataNotFound' {
        $req = $WOT.Request.Clone()
        $req['transport'] = 'Rpc'
        $req['explicitPath'] = 'C:\exchsrvr\Dxadata'
        # The share root is probed with a call that throws (Test-Path would say $false for all of these).
        Mock Test-Path { throw 'Test-Path must not decide this' } -ParameterFilter { $LiteralPath -like '\\*' }
        Mock Invoke-DssShareProbe { throw (New-Object System.UnauthorizedAccessException('Access to the path is denied.')) }
        $r = Invoke-DssScript 'Resolve-Dxadata.ps1' $req
        Should -Invoke Invoke-DssShareProbe -Exactly 1 -ParameterFilter { $Root -eq '\\DSS01\C$\' }
        $r.error.id | Should -Be 'AccessDenied'
        $r.error.message | Should -BeLike '*\\DSS01\C$*administrator*'
        Mock Invoke-DssShareProbe { throw (New-Object System.IO.IOException('The network name cannot be found.', -2147024829)) }
        $r = Invoke-DssScript 'Resolve-Dxadata.ps1' $req
        $r.error.id | Should -Be 'SmbUnavailable'
        $r.error.message | Should -BeLike '*\\DSS01\C$ does not exist (error 67*AutoShare*'
        Mock Invoke-DssShareProbe { throw (New-Object System.IO.IOException('The network path was not found.', -2147024843)) }
        $r = Invoke-DssScript 'Resolve-Dxadata.ps1' $req
        $r.error.id | Should -Be 'SmbUnavailable'
        $r.error.message | Should -BeLike '*\\DSS01\C$ cannot be reached over SMB (error 53*SMB1 client*'
        $r.error.target | Should -Be '\\DSS01\C$'
    }

    It 'Rpc: a DXADataPath with %SystemDrive% is expanded from the DSS''s own environment, not this workstation''s' {
        $req = $WOT.Request.Clone()
        $req['transport'] = 'Rpc'
        $req['environment'] = @{ hive = 'HKEY_LOCAL_MACHINE'; systemRootKey = 'SOFTWARE\Microsoft\Windows NT\CurrentVersion'; systemRootValue = 'SystemRoot'; variablesKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment' }
        Mock Get-DssRpcValue { @{ keyExists = $true; present = $false; kind = $null; value = $null } }
        Mock Get-DssRpcValue { @{ keyExists = $true; present = $true; kind = 'String'; value = '%SystemDrive%\exch\%DXDIR%' } } -ParameterFilter { $Name -eq $WOT.Contract.dxaDataPathValue.name }
        Mock Get-DssRpcValue { @{ keyExists = $true; present = $true; kind = 'String'; value = 'E:\WINNT' } } -ParameterFilter { $Name -eq 'SystemRoot' -and $SubKey -eq 'SOFTWARE\Microsoft\Windows NT\CurrentVersion' }
        Mock Get-DssRpcValue { @{ keyExists = $true; present = $true; kind = 'ExpandString'; value = 'Dxadata' } } -ParameterFilter { $Name -eq 'DXDIR' -and $SubKey -eq 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment' }
        Mock Invoke-DssShareProbe { }
        Mock Test-Path { $true } -ParameterFilter { $LiteralPath -eq '\\DSS01\E$\exch\Dxadata' }
        Mock Get-DssUncFreeBytes { [long]1073741824 }
        $r = Invoke-DssScript 'Resolve-Dxadata.ps1' $req
        $r.data.dssPath | Should -BeExactly 'E:\exch\Dxadata'
        $r.data.path | Should -BeExactly '\\DSS01\E$\exch\Dxadata'
        $r.data.source | Should -Be 'DXADataPath'
    }

    It 'uses Setup\Services + Dxadata when there is no DXADataPath' {
        $dx = $WOT.Install + '\' + $WOT.Contract.dxadataFolder
        [void][System.IO.Directory]::CreateDirectory($dx)
        Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = 'C:\nowhere\BIN\DXA.EXE' } } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        Mock Get-ItemProperty { [pscustomobject]@{ Services = $WOT.Install } } -ParameterFilter { $LiteralPath -eq $WOT.SetupPath }
        $r = Invoke-DssScript 'Resolve-Dxadata.ps1' $WOT.Request
        $r.data.source | Should -Be 'Setup'
        $r.data.path | Should -BeExactly $dx
        $r.data.freeBytes | Should -BeGreaterThan 0
    }

    It 'prefers DXADataPath (Q185504), and does not guess further when that folder is missing' {
        $moved = Join-Path $TestDrive 'movedDxadata'
        New-Item -ItemType Directory -Path $moved -Force | Out-Null
        [void][System.IO.Directory]::CreateDirectory($WOT.Install + '\Dxadata')
        Mock Get-ItemProperty { [pscustomobject]@{ DXADataPath = $WOT.Moved } } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        Mock Get-ItemProperty { [pscustomobject]@{ Services = $WOT.Install } } -ParameterFilter { $LiteralPath -eq $WOT.SetupPath }
        $WOT.Moved = $moved
        (Invoke-DssScript 'Resolve-Dxadata.ps1' $WOT.Request).data.source | Should -Be 'DXADataPath'
        $WOT.Moved = Join-Path $TestDrive 'notThere'
        $r = Invoke-DssScript 'Resolve-Dxadata.ps1' $WOT.Request
        $r.error.id | Should -Be 'DxadataNotFound'
        $r.error.message | Should -Match 'DXADataPath'
    }

    It 'falls back to the folder above BIN in ImagePath' {
        $dx = $WOT.Install + '\Dxadata'
        [void][System.IO.Directory]::CreateDirectory($dx)
        Mock Get-ItemProperty { [pscustomobject]@{ ImagePath = ('"' + $WOT.Install + '\bin\dxa.exe" -service') } } -ParameterFilter { $LiteralPath -eq $WOT.KeyPath }
        Mock Get-ItemProperty { [pscustomobject]@{ Other = 'x' } } -ParameterFilter { $LiteralPath -eq $WOT.SetupPath }
        $r = Invoke-DssScript 'Resolve-Dxadata.ps1' $WOT.Request
        $r.data.source | Should -Be 'ImagePath'
        $r.data.path | Should -BeExactly $dx
    }

    It 'takes an explicit path without reading the registry, and says when nothing is known' {
        Mock Get-ItemProperty { throw 'must not be read' }
        $WOT.Request['explicitPath'] = $TestDrive
        (Invoke-DssScript 'Resolve-Dxadata.ps1' $WOT.Request).data.source | Should -Be 'Explicit'
        Should -Invoke Get-ItemProperty -Exactly 0
        $WOT.Request['explicitPath'] = $null
        Mock Get-ItemProperty { [pscustomobject]@{ Other = 'x' } }
        (Invoke-DssScript 'Resolve-Dxadata.ps1' $WOT.Request).error.id | Should -Be 'DxadataNotFound'
    }
}

Describe 'The file scripts (Local, on TestDrive)' {
    BeforeEach {
        $WOT.File = Join-Path $TestDrive ('Resync' + [guid]::NewGuid().ToString('N').Substring(0, 6) + '.glb')
        $bytes = New-Object byte[] 70000
        for ($i = 0; $i -lt $bytes.Length; $i++) { $bytes[$i] = [byte](($i * 31 + 7) % 256) }
        [System.IO.File]::WriteAllBytes($WOT.File, $bytes)
        $WOT.Bytes = $bytes
    }

    It 'stats a file and reports a missing one' {
        $r = Invoke-DssScript 'Get-DssFileInfo.ps1' (New-Request 'Local' @{ path = $WOT.File })
        $r.data.exists | Should -BeTrue
        $r.data.length | Should -Be 70000
        # (checked on the raw line: ConvertFrom-Json in PowerShell 7 turns ISO strings into dates)
        $WOT.LastLine | Should -Match '"lastWriteTimeUtc":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"'
        (Invoke-DssScript 'Get-DssFileInfo.ps1' (New-Request 'Local' @{ path = $WOT.File + '.none' })).data.exists | Should -BeFalse
    }

    It 'tells whether a writer holds the file open' {
        (Invoke-DssScript 'Test-DssFileOpenForWrite.ps1' (New-Request 'Local' @{ path = $WOT.File })).data.openForWrite | Should -BeFalse
        if (($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
            $w = [System.IO.File]::Open($WOT.File, 'Open', 'ReadWrite', 'ReadWrite')
            try {
                (Invoke-DssScript 'Test-DssFileOpenForWrite.ps1' (New-Request 'Local' @{ path = $WOT.File })).data.openForWrite | Should -BeTrue
            } finally { $w.Close() }
        }
    }

    It 'a reader holding the file (antivirus, indexer, backup agent) makes the delete FileInUse, never Busy, and leaves the file' {
        $h = Invoke-DssScript 'Get-DssFileHash.ps1' (New-Request 'Local' @{ path = $WOT.File })
        # A reader that shares reading: the delete's exclusive open fails (on Unix .NET maps FileShare to flock).
        $reader = [System.IO.File]::Open($WOT.File, 'Open', 'Read', 'Read')
        try {
            $r = Invoke-DssScript 'Remove-DssFile.ps1' (New-Request 'Local' @{ path = $WOT.File; length = 70000; lastWriteTicks = $h.data.lastWriteTicks; sha256 = $h.data.sha256 })
            $r.error.id | Should -Be 'FileInUse'
            $r.error.message | Should -Match 'open in another process'
            Test-Path -LiteralPath $WOT.File | Should -BeTrue
        } finally { $reader.Close() }
        (Invoke-DssScript 'Remove-DssFile.ps1' (New-Request 'Local' @{ path = $WOT.File; length = 70000; lastWriteTicks = $h.data.lastWriteTicks; sha256 = $h.data.sha256 })).data.removed | Should -BeTrue
    }

    It 'hashes, reads in chunks, and deletes only an unchanged file' {
        $h = Invoke-DssScript 'Get-DssFileHash.ps1' (New-Request 'Local' @{ path = $WOT.File })
        $h.data.sha256 | Should -BeExactly (Get-FileHash -LiteralPath $WOT.File -Algorithm SHA256).Hash
        $h.data.length | Should -Be 70000
        $got = New-Object System.Collections.Generic.List[byte]
        $offset = 0
        do {
            $c = Invoke-DssScript 'Read-DssFileChunk.ps1' (New-Request 'Local' @{ path = $WOT.File; offset = $offset; count = 30000 })
            $got.AddRange([Convert]::FromBase64String($c.data.base64))
            $offset += $c.data.bytes
        } until ($c.data.eof)
        $got.Count | Should -Be 70000
        [Convert]::ToBase64String($got.ToArray()) | Should -BeExactly ([Convert]::ToBase64String($WOT.Bytes))
        $bad = Invoke-DssScript 'Remove-DssFile.ps1' (New-Request 'Local' @{ path = $WOT.File; length = 70000; lastWriteTicks = $h.data.lastWriteTicks; sha256 = ('0' * 64) })
        $bad.error.id | Should -Be 'SourceChanged'
        Test-Path -LiteralPath $WOT.File | Should -BeTrue
        $ok = Invoke-DssScript 'Remove-DssFile.ps1' (New-Request 'Local' @{ path = $WOT.File; length = 70000; lastWriteTicks = $h.data.lastWriteTicks; sha256 = $h.data.sha256 })
        $ok.data.removed | Should -BeTrue
        Test-Path -LiteralPath $WOT.File | Should -BeFalse
        (Invoke-DssScript 'Get-DssFileHash.ps1' (New-Request 'Local' @{ path = $WOT.File })).error.id | Should -Be 'SourceNotFound'
    }
}

Describe 'Initialize-DssSession.ps1' {
    AfterEach { Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue }

    It 'Remoting: builds the credential from the line read from the credential pipe and opens one session with it' {
        $WOT.Password = "pa`$`$w'rd " + [char]0x2019 + [char]0xFC
        $WOT.Line = '#' + [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($WOT.Password))
        $WOT.Session = [pscustomobject]@{ State = 'Opened' }
        Mock Read-DssSecretPipe { $WOT.Line } -ParameterFilter { $PipeName -eq 'the-pipe' -and $Token -eq 'the-token' -and $TimeoutMs -eq 15000 }
        Mock New-PSSession { $WOT.Session } -RemoveParameterType SessionOption -ParameterFilter {
            $ComputerName -eq 'DSS01' -and $Credential.UserName -eq 'CORP\dxadmin' -and $Credential.GetNetworkCredential().Password -ceq $WOT.Password
        }
        Mock Invoke-Command { @{ psVersion = '2.0'; computerName = 'DSS01' } } -RemoveParameterType Session
        Mock New-PSSessionOption { 'session-option' } -ParameterFilter { $OpenTimeout -eq 5000 -and $IdleTimeout -eq 300000 }
        $r = Invoke-DssScript 'Initialize-DssSession.ps1' @{ transport = 'Remoting'; computerName = 'DSS01'; userName = 'CORP\dxadmin'; secret = 'pipe'; secretPipe = @{ name = 'the-pipe'; token = 'the-token' }; connectTimeoutMs = 5000 }
        $r.ok | Should -BeTrue
        $r.data.psVersion | Should -Be '2.0'
        Should -Invoke Read-DssSecretPipe -Exactly 1
        Should -Invoke New-PSSession -Exactly 1 -ParameterFilter { $ComputerName -eq 'DSS01' -and $Credential.GetNetworkCredential().Password -ceq $WOT.Password -and $SessionOption -eq 'session-option' }
        # An idle timeout, so a shell orphaned by a killed child does not hold one of WinRM 2.0's 5 per user.
        Should -Invoke New-PSSessionOption -Exactly 1 -ParameterFilter { $OpenTimeout -eq 5000 -and $IdleTimeout -eq 300000 }
        $global:ResyncGlbDss.Session | Should -Be $WOT.Session
        $global:ResyncGlbDss.ContainsKey('Credential') | Should -BeFalse
    }

    It 'Remoting: an unreachable host is HostUnreachable, refused credentials AccessDenied' {
        Mock New-PSSession { throw (New-Object System.Management.Automation.Remoting.PSRemotingTransportException('WinRM cannot complete the operation.')) } -RemoveParameterType SessionOption
        (Invoke-DssScript 'Initialize-DssSession.ps1' @{ transport = 'Remoting'; computerName = 'DSS01' }).error.id | Should -Be 'HostUnreachable'
        Mock New-PSSession {
            $e = New-Object System.Management.Automation.Remoting.PSRemotingTransportException('Access is denied.')
            $e.ErrorCode = 5
            throw $e
        } -RemoveParameterType SessionOption
        (Invoke-DssScript 'Initialize-DssSession.ps1' @{ transport = 'Remoting'; computerName = 'DSS01' }).error.id | Should -Be 'AccessDenied'
        Get-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Rpc: maps ADMIN$ with the credential, then probes the remote registry' {
        $WOT.Line = '#' + [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes('pw'))
        Mock Read-DssSecretPipe { $WOT.Line }
        Mock New-PSDrive { } -ParameterFilter { $Root -eq '\\DSS01\ADMIN$' -and $PSProvider -eq 'FileSystem' -and $Credential.GetNetworkCredential().Password -ceq 'pw' }
        $WOT.Reg = New-FakeRemoteRegistry 'x' @{} @{}
        Mock Open-DssRemoteBaseKey { $WOT.Reg }
        $r = Invoke-DssScript 'Initialize-DssSession.ps1' @{ transport = 'Rpc'; computerName = 'DSS01'; userName = 'u'; secret = 'pipe'; secretPipe = @{ name = 'p'; token = 't'; timeoutMs = 1000 }; probe = @{ hive = 'HKEY_LOCAL_MACHINE'; subKey = 'x' } }
        $r.data.transport | Should -Be 'Rpc'
        Should -Invoke New-PSDrive -Exactly 1
        Should -Invoke Open-DssRemoteBaseKey -Exactly 1 -ParameterFilter { $ComputerName -eq 'DSS01' -and $Hive -eq 'HKEY_LOCAL_MACHINE' }
    }

    It 'Rpc: an SMB failure of the remote registry (error 53, 64: an SMB1-only NT 4.0/2000/2003 DSS) is SmbUnavailable naming ADMIN$ and the SMB1 client' {
        Mock Open-DssRemoteBaseKey { throw (New-Object System.IO.IOException('The specified network name is no longer available.', -2147024832)) }
        $r = Invoke-DssScript 'Initialize-DssSession.ps1' @{ transport = 'Rpc'; computerName = 'DSS01'; probe = @{ hive = 'HKEY_LOCAL_MACHINE'; subKey = 'x' } }
        $r.error.id | Should -Be 'SmbUnavailable'
        $r.error.message | Should -BeLike '*\\DSS01\ADMIN$*error 64*SMB1 client*'
    }

    It 'Rpc: an unreachable remote registry without an SMB code is HostUnreachable' {
        Mock Open-DssRemoteBaseKey { throw (New-Object System.IO.IOException('The RPC server is unavailable.', -2147023174)) }
        (Invoke-DssScript 'Initialize-DssSession.ps1' @{ transport = 'Rpc'; computerName = 'DSS01'; probe = @{ hive = 'HKEY_LOCAL_MACHINE'; subKey = 'x' } }).error.id | Should -Be 'HostUnreachable'
    }

    It 'Rpc: a remote registry that is not found (error 53) is SmbUnavailable; the engine tells a host that is off by a TCP probe' {
        Mock Open-DssRemoteBaseKey { throw (New-Object System.IO.IOException('The network path was not found.', -2147024843)) }
        (Invoke-DssScript 'Initialize-DssSession.ps1' @{ transport = 'Rpc'; computerName = 'DSS01'; probe = @{ hive = 'HKEY_LOCAL_MACHINE'; subKey = 'x' } }).error.id | Should -Be 'SmbUnavailable'
    }

    It 'refuses a secret line that is not what ResyncGlb sends, before any connection' {
        Mock Read-DssSecretPipe { '[Console]::Out.WriteLine("x")' }
        Mock New-PSSession { throw 'must not connect' } -RemoveParameterType SessionOption
        (Invoke-DssScript 'Initialize-DssSession.ps1' @{ transport = 'Remoting'; computerName = 'DSS01'; userName = 'u'; secret = 'pipe'; secretPipe = @{ name = 'p'; token = 't' } }).error.id | Should -Be 'CredentialUnavailable'
        Should -Invoke New-PSSession -Exactly 0
    }

    It 'a credential pipe that is not there fails fast with CredentialUnavailable, before any connection' {
        Mock New-PSSession { throw 'must not connect' } -RemoveParameterType SessionOption
        $name = 'resyncglb-missing-' + [Guid]::NewGuid().ToString('N')
        if (-not (($PSVersionTable.PSEdition -eq 'Desktop') -or ($IsWindows -eq $true))) { $name = Join-Path ([System.IO.Path]::GetTempPath()) $name }
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-DssScript 'Initialize-DssSession.ps1' @{ transport = 'Remoting'; computerName = 'DSS01'; userName = 'u'; secret = 'pipe'; secretPipe = @{ name = $name; token = 't'; timeoutMs = 1500 } }
        $watch.Stop()
        $r.error.id | Should -Be 'CredentialUnavailable'
        $r.error.message | Should -Match 'nothing was sent to the DSS'
        # Bounded by the pipe's connect timeout, not by the engine's 90 s call limit.
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 60
        Should -Invoke New-PSSession -Exactly 0
    }
}
