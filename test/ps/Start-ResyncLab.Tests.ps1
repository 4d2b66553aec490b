#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Start-ResyncLab: starts a lab's DXA (a real separate process) through 'resync-glb lab start'.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestManifestPath) -Force
    function New-StoppedTestLab {
        param([string[]] $Requestor = @('PO1', 'PO2'))
        $path = New-TestLab -Requestor $Requestor
        $r = Invoke-TestCli -Arguments @('lab', 'stop', $path)
        if ($r.ExitCode -ne 0) { throw "lab stop failed: $($r.Output)" }
        $path
    }
}

Describe 'Start-ResyncLab' {
    BeforeEach {
        $labs = [System.Collections.Generic.List[string]]::new()
    }
    AfterEach {
        foreach ($l in $labs) { Remove-TestLab -Path $l }
    }

    It 'has exactly its documented parameters' {
        $command = Get-Command Start-ResyncLab
        Get-TestOwnParameter -Command $command | Should -Be @('PassThru', 'Path', 'TimeoutSec')
        $attribute = @($command.Parameters['Path'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })[0]
        $attribute.Mandatory | Should -Be $true
        $attribute.Position | Should -Be 0
        $attribute.ValueFromPipelineByPropertyName | Should -Be $true
        @($command.Parameters['Path'].Aliases | Sort-Object) | Should -Be @('FullName', 'LabPath')
        $command.Parameters['Path'].ParameterType | Should -Be ([string[]])
        $command.Parameters['TimeoutSec'].ParameterType | Should -Be ([int])
        $command.Parameters['PassThru'].SwitchParameter | Should -Be $true
        $command.Parameters.ContainsKey('WhatIf') | Should -Be $true
        $command.Parameters.ContainsKey('Confirm') | Should -Be $true
        @($command.OutputType.Name) | Should -Be @('ResyncGlb.LabStatus')
    }

    It 'starts a stopped lab: Running, with a live DXA process, and returns nothing' {
        $lab = New-StoppedTestLab
        $labs.Add($lab)
        (Get-TestLabService -Path $lab).Status | Should -Be 'Stopped'
        $out = @(Start-ResyncLab -Path $lab)
        $out.Count | Should -Be 0
        $service = Get-TestLabService -Path $lab
        $service.Status | Should -Be 'Running'
        Test-TestProcess -Id $service.Pid | Should -Be $true
    }

    It '-PassThru returns the running lab as ResyncGlb.LabStatus' {
        $lab = New-StoppedTestLab
        $labs.Add($lab)
        $out = @(Start-ResyncLab -Path $lab -PassThru)
        $out.Count | Should -Be 1
        $out[0].PSObject.TypeNames[0] | Should -Be 'ResyncGlb.LabStatus'
        $out[0].ServiceStatus | Should -Be 'Running'
        $out[0].Pid | Should -Be (Get-TestLabService -Path $lab).Pid
        @($out[0].Requestors.DisplayName) | Should -Be @('PO1', 'PO2')
    }

    It '-WhatIf starts nothing' {
        $lab = New-StoppedTestLab
        $labs.Add($lab)
        $before = Get-TestLabSnapshot -Path $lab
        $out = @(Start-ResyncLab -Path $lab -WhatIf -PassThru)
        $out.Count | Should -Be 0
        (Get-TestLabService -Path $lab).Status | Should -Be 'Stopped'
        Get-TestLabSnapshot -Path $lab | Should -Be $before
    }

    It 'leaves a running lab running: the same DXA process' {
        $lab = New-TestLab
        $labs.Add($lab)
        $before = (Get-TestLabService -Path $lab).Pid
        (Start-ResyncLab -Path $lab -PassThru).Pid | Should -Be $before
        Test-TestProcess -Id $before | Should -Be $true
    }

    It 'binds Path from Get-ResyncLab output, and starts every lab piped in' {
        $one = New-StoppedTestLab -Requestor 'PO1'
        $two = New-StoppedTestLab -Requestor 'PO1'
        $labs.Add($one)
        $labs.Add($two)
        Get-ResyncLab -Path $one, $two | Start-ResyncLab
        (Get-TestLabService -Path $one).Status | Should -Be 'Running'
        (Get-TestLabService -Path $two).Status | Should -Be 'Running'
    }

    It 'a folder that is not a lab: a non-terminating ResyncGlb.LabNotFound, then the next path is started' {
        $lab = New-StoppedTestLab -Requestor 'PO1'
        $labs.Add($lab)
        $plain = Join-Path $TestDrive 'plain'
        $null = New-Item -ItemType Directory -Path $plain
        Start-ResyncLab -Path $plain, $lab -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed).Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'ResyncGlb.LabNotFound,Start-ResyncLab'
        @(Get-ChildItem -LiteralPath $plain -Force).Count | Should -Be 0
        (Get-TestLabService -Path $lab).Status | Should -Be 'Running'
    }

    It 'a start that fails (lab fault --fail-start) is the engine''s ResyncGlb.ServiceStartFailed; the lab stays Stopped' {
        $lab = New-StoppedTestLab -Requestor 'PO1'
        $labs.Add($lab)
        (Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--fail-start')).ExitCode | Should -Be 0
        $out = @(Start-ResyncLab -Path $lab -TimeoutSec 10 -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        @($failed).Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'ResyncGlb.ServiceStartFailed,Start-ResyncLab'
        $failed[0].TargetObject | Should -Be $lab
        (Get-TestLabService -Path $lab).Status | Should -Be 'Stopped'
    }
}
