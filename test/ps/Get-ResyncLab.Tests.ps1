#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Get-ResyncLab: a lab's state (lab status + lab requestors) as ResyncGlb.LabStatus, against real labs
# whose DXA is a real separate process.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestManifestPath) -Force
}

Describe 'Get-ResyncLab' {
    BeforeEach {
        $labs = [System.Collections.Generic.List[string]]::new()
    }
    AfterEach {
        foreach ($l in $labs) { Remove-TestLab -Path $l }
    }

    It 'has exactly its documented parameters' {
        $command = Get-Command Get-ResyncLab
        Get-TestOwnParameter -Command $command | Should -Be @('Path')
        $p = $command.Parameters['Path']
        $p.ParameterType | Should -Be ([string[]])
        $attribute = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })[0]
        $attribute.Mandatory | Should -Be $true
        $attribute.Position | Should -Be 0
        $attribute.ValueFromPipeline | Should -Be $true
        $attribute.ValueFromPipelineByPropertyName | Should -Be $true
        @($p.Aliases | Sort-Object) | Should -Be @('FullName', 'LabPath')
        $command.Parameters.ContainsKey('WhatIf') | Should -Be $false
        @($command.OutputType.Name) | Should -Be @('ResyncGlb.LabStatus')
    }

    It 'returns one ResyncGlb.LabStatus of a running lab: Running, the live DXA pid, its requestors' {
        $lab = New-TestLab -Requestor 'PO1', 'PO2'
        $labs.Add($lab)
        $out = @(Get-ResyncLab -Path $lab)
        $out.Count | Should -Be 1
        $s = $out[0]
        $s.PSObject.TypeNames[0] | Should -Be 'ResyncGlb.LabStatus'
        $s.Path | Should -Be $lab
        $s.ComputerName | Should -Be 'LABDSS'
        $s.ServiceName | Should -Be 'MSExchangeDX'
        $s.ServiceStatus | Should -Be 'Running'
        $s.Pid | Should -Be (Get-TestLabService -Path $lab).Pid
        Test-TestProcess -Id $s.Pid | Should -Be $true
        $s.Since | Should -BeOfType [datetime]
        $s.Since.Kind | Should -Be ([System.DateTimeKind]::Utc)
        $s.RestartOwed | Should -Be $false
        @($s.Requestors.DisplayName) | Should -Be @('PO1', 'PO2')
        $s.Requestors[0].PSObject.TypeNames[0] | Should -Be 'ResyncGlb.LabRequestor'
        $s.Requestors[0].GlbPath | Should -Not -BeNullOrEmpty
    }

    It 'shows a stopped lab as Stopped, without a pid' {
        $lab = New-TestLab -Requestor 'PO1'
        $labs.Add($lab)
        (Invoke-TestCli -Arguments @('lab', 'stop', $lab)).ExitCode | Should -Be 0
        $s = Get-ResyncLab -Path $lab
        $s.ServiceStatus | Should -Be 'Stopped'
        $s.Pid | Should -BeNullOrEmpty
        @($s.Requestors).Count | Should -Be 1
    }

    It 'shows the faults set with resync-glb lab fault' {
        $lab = New-TestLab
        $labs.Add($lab)
        (Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--slow-write', '200', '--unrecognise')).ExitCode | Should -Be 0
        $s = Get-ResyncLab -Path $lab
        $s.Faults.slowWriteMs | Should -Be 200
        $s.Faults.unrecognise | Should -Be $true
        ($s | Format-Table | Out-String) | Should -Match 'slowWriteMs=200'
    }

    It 'a folder that is not a lab: a non-terminating ResyncGlb.LabNotFound, then the next path' {
        $lab = New-TestLab
        $labs.Add($lab)
        $plain = Join-Path $TestDrive 'plain'
        $null = New-Item -ItemType Directory -Path $plain
        # A stray lab.json of the right kind without the lab's layout is not a lab either.
        $stray = Join-Path $TestDrive 'stray'
        $null = New-Item -ItemType Directory -Path $stray
        Set-Content -LiteralPath (Join-Path $stray 'lab.json') -Value '{"kind":"ResyncGlb.Lab"}'
        $missing = Join-Path $TestDrive 'missing'
        $out = @(Get-ResyncLab -Path $plain, $stray, $missing, $lab -ErrorVariable failed -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 1
        $out[0].Path | Should -Be $lab
        $failed.Count | Should -Be 3
        foreach ($e in $failed) { $e.FullyQualifiedErrorId | Should -Be 'ResyncGlb.LabNotFound,Get-ResyncLab' }
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failed[0].TargetObject | Should -Be $plain
        $failed[1].Exception.Message | Should -Match 'registry\.json'
        $failed[2].Exception.Message | Should -Match 'does not exist'
        Test-Path -LiteralPath $missing | Should -Be $false
    }

    It 'binds Path by property name from New-ResyncLab and itself, FullName from Get-Item, and strings by value' {
        $lab = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-getlab-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $labs.Add($lab)
        $s = New-ResyncLab -Path $lab -Requestor 'PO1' -Recipients 20 -StartMs 100 -Confirm:$false | Get-ResyncLab
        $s.Path | Should -Be $lab
        $s.ServiceStatus | Should -Be 'Running'
        (Get-ResyncLab -Path $lab | Get-ResyncLab).Path | Should -Be $lab
        (Get-Item -LiteralPath $lab | Get-ResyncLab).Path | Should -Be $lab
        ($lab | Get-ResyncLab).Path | Should -Be $lab
        ([pscustomobject]@{ LabPath = $lab } | Get-ResyncLab).Path | Should -Be $lab
    }

    It 'resolves a relative path against the PowerShell location' {
        $lab = New-TestLab
        $labs.Add($lab)
        Push-Location -LiteralPath (Split-Path -Parent $lab)
        try { (Get-ResyncLab -Path (Split-Path -Leaf $lab)).Path | Should -Be $lab }
        finally { Pop-Location }
    }

    It 'passes a folder name with spaces, quotes, $(...), ; and a leading dash to the engine as one argument' {
        $parent = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-getlab-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $lab = Join-Path $parent '-lab ''q'' "dq" $(exit 3); x'
        # The lab first, so its DXA is stopped before its parent folder goes, even if this test fails.
        $labs.Add($lab)
        $labs.Add($parent)
        $null = New-ResyncLab -Path $lab -Requestor 'PO1' -Recipients 20 -StartMs 100 -Confirm:$false
        $s = Get-ResyncLab -Path $lab
        $s.Path | Should -Be $lab
        $s.ServiceStatus | Should -Be 'Running'
        Stop-ResyncLab -Path $lab
        (Get-ResyncLab -Path $lab).ServiceStatus | Should -Be 'Stopped'
    }
}

Describe 'ConvertTo-ResyncProcessArgument (the command line of Windows PowerShell 5.1, which has no ArgumentList)' {
    It 'quotes <Case> so the program receives it unchanged' -ForEach @(
        @{ Case = 'a plain word'; Value = 'plain' }
        @{ Case = 'an empty string'; Value = '' }
        @{ Case = 'spaces'; Value = 'C:\Program Files\lab one' }
        @{ Case = 'a trailing backslash'; Value = 'C:\lab dir\' }
        @{ Case = 'double quotes'; Value = 'say "hi"' }
        @{ Case = 'backslashes before a quote'; Value = 'a\\"b\' }
        @{ Case = 'a tab and $(...)'; Value = "x`t`$(exit 3);y" }
    ) {
        $node = @(Get-Command -Name node -CommandType Application -ErrorAction Stop)[0].Path
        $module = Get-Module ResyncGlb
        $quoted = & $module { param($a) ConvertTo-ResyncProcessArgument -Argument $a } $Value
        $script = & $module { param($a) ConvertTo-ResyncProcessArgument -Argument $a } 'process.stdout.write(JSON.stringify(process.argv.slice(1)))'
        $psi = [System.Diagnostics.ProcessStartInfo]::new($node)
        $psi.Arguments = "-e $script $quoted last"
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        $text = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $received = @($text | ConvertFrom-Json)
        $received.Count | Should -Be 2
        $received[0] | Should -BeExactly $Value
        $received[1] | Should -Be 'last'
    }
}
