#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Stop-ResyncLab: stops a lab's DXA (a real separate process) through 'resync-glb lab stop' and waits for it to end.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestManifestPath) -Force
}

Describe 'Stop-ResyncLab' {
    BeforeEach {
        $labs = [System.Collections.Generic.List[string]]::new()
    }
    AfterEach {
        foreach ($l in $labs) { Remove-TestLab -Path $l }
    }

    It 'has exactly its documented parameters' {
        $command = Get-Command Stop-ResyncLab
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

    It 'stops a running lab: Stopped, the DXA process gone, nothing returned' {
        $lab = New-TestLab
        $labs.Add($lab)
        $dxa = (Get-TestLabService -Path $lab).Pid
        Test-TestProcess -Id $dxa | Should -Be $true
        $out = @(Stop-ResyncLab -Path $lab)
        $out.Count | Should -Be 0
        (Get-TestLabService -Path $lab).Status | Should -Be 'Stopped'
        Test-TestProcess -Id $dxa | Should -Be $false
        Test-Path -LiteralPath (Join-Path $lab 'lab.json') | Should -Be $true
    }

    It '-PassThru returns the stopped lab as ResyncGlb.LabStatus, without a pid' {
        $lab = New-TestLab
        $labs.Add($lab)
        $out = @(Stop-ResyncLab -Path $lab -PassThru)
        $out.Count | Should -Be 1
        $out[0].PSObject.TypeNames[0] | Should -Be 'ResyncGlb.LabStatus'
        $out[0].ServiceStatus | Should -Be 'Stopped'
        $out[0].Pid | Should -BeNullOrEmpty
        $out[0].Path | Should -Be $lab
    }

    It '-WhatIf stops nothing: the same DXA still runs' {
        $lab = New-TestLab
        $labs.Add($lab)
        $before = Get-TestLabSnapshot -Path $lab
        $dxa = (Get-TestLabService -Path $lab).Pid
        $out = @(Stop-ResyncLab -Path $lab -WhatIf -PassThru)
        $out.Count | Should -Be 0
        $service = Get-TestLabService -Path $lab
        $service.Status | Should -Be 'Running'
        $service.Pid | Should -Be $dxa
        Test-Path -LiteralPath (Join-Path $lab 'service.control') | Should -Be $false
        Get-TestLabSnapshot -Path $lab | Should -Be $before
    }

    It 'a stopped lab stays stopped, without an error' {
        $lab = New-TestLab
        $labs.Add($lab)
        Stop-ResyncLab -Path $lab
        (Stop-ResyncLab -Path $lab -PassThru -ErrorAction Stop).ServiceStatus | Should -Be 'Stopped'
    }

    It 'binds Path from New-ResyncLab output: New-ResyncLab ... | Stop-ResyncLab' {
        $lab = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-stoplab-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $labs.Add($lab)
        New-ResyncLab -Path $lab -Requestor 'PO1' -Recipients 20 -StartMs 100 -Confirm:$false | Stop-ResyncLab
        (Get-TestLabService -Path $lab).Status | Should -Be 'Stopped'
    }

    It 'binds Path from Get-ResyncLab output and stops every lab piped in' {
        $one = New-TestLab -Requestor 'PO1'
        $two = New-TestLab -Requestor 'PO1'
        $labs.Add($one)
        $labs.Add($two)
        $pids = @((Get-TestLabService -Path $one).Pid, (Get-TestLabService -Path $two).Pid)
        Get-ResyncLab -Path $one, $two | Stop-ResyncLab
        (Get-TestLabService -Path $one).Status | Should -Be 'Stopped'
        (Get-TestLabService -Path $two).Status | Should -Be 'Stopped'
        foreach ($p in $pids) { Test-TestProcess -Id $p | Should -Be $false }
    }

    It 'a DXA that does not stop (lab fault --hang-on-stop): ResyncGlb.ServiceStopTimeout, the DXA still runs; stopped once the fault is cleared' {
        $lab = New-TestLab -Requestor 'PO1'
        $labs.Add($lab)
        $dxa = (Get-TestLabService -Path $lab).Pid
        (Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--hang-on-stop')).ExitCode | Should -Be 0
        $out = @(Stop-ResyncLab -Path $lab -TimeoutSec 1 -PassThru -ErrorVariable failed -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        @($failed).Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'ResyncGlb.ServiceStopTimeout,Stop-ResyncLab'
        $failed[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $failed[0].TargetObject | Should -Be $lab
        (Get-TestLabService -Path $lab).Status | Should -Be 'Running'
        Test-TestProcess -Id $dxa | Should -Be $true

        (Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--clear')).ExitCode | Should -Be 0
        Stop-ResyncLab -Path $lab -TimeoutSec 30 -ErrorAction Stop
        Test-TestProcess -Id $dxa | Should -Be $false
    }

    It 'a folder that is not a lab: a non-terminating ResyncGlb.LabNotFound, then the next path is stopped' {
        $lab = New-TestLab -Requestor 'PO1'
        $labs.Add($lab)
        $file = Join-Path $TestDrive 'a-file.txt'
        Set-Content -LiteralPath $file -Value 'not a lab'
        Stop-ResyncLab -Path $file, $lab -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed).Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'ResyncGlb.LabNotFound,Stop-ResyncLab'
        $failed[0].Exception.Message | Should -Match 'is a file'
        Get-Content -LiteralPath $file | Should -Be 'not a lab'
        (Get-TestLabService -Path $lab).Status | Should -Be 'Stopped'
    }
}
