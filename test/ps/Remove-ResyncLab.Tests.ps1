#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Remove-ResyncLab: stops a lab's DXA, then deletes the lab folder - only a lab folder, and only once the DXA
# has ended.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestManifestPath) -Force
}

Describe 'Remove-ResyncLab' {
    BeforeEach {
        $labs = [System.Collections.Generic.List[string]]::new()
    }
    AfterEach {
        foreach ($l in $labs) { Remove-TestLab -Path $l }
    }

    It 'has exactly its documented parameters, and asks first (ConfirmImpact High)' {
        $command = Get-Command Remove-ResyncLab
        Get-TestOwnParameter -Command $command | Should -Be @('Path', 'TimeoutSec')
        $attribute = @($command.Parameters['Path'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })[0]
        $attribute.Mandatory | Should -Be $true
        $attribute.Position | Should -Be 0
        $attribute.ValueFromPipelineByPropertyName | Should -Be $true
        @($command.Parameters['Path'].Aliases | Sort-Object) | Should -Be @('FullName', 'LabPath')
        $command.Parameters['Path'].ParameterType | Should -Be ([string[]])
        $command.Parameters['TimeoutSec'].ParameterType | Should -Be ([int])
        $command.Parameters.ContainsKey('WhatIf') | Should -Be $true
        $binding = @($command.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] })[0]
        $binding.SupportsShouldProcess | Should -Be $true
        $binding.ConfirmImpact | Should -Be ([System.Management.Automation.ConfirmImpact]::High)
    }

    It 'removes a running lab: the DXA process ends and the folder is gone, nothing returned' {
        $lab = New-TestLab
        $labs.Add($lab)
        $dxa = (Get-TestLabService -Path $lab).Pid
        Test-TestProcess -Id $dxa | Should -Be $true
        $out = @(Remove-ResyncLab -Path $lab -Confirm:$false)
        $out.Count | Should -Be 0
        Test-Path -LiteralPath $lab | Should -Be $false
        Test-TestProcess -Id $dxa | Should -Be $false
    }

    It 'removes a stopped lab folder entirely' {
        $lab = New-TestLab
        $labs.Add($lab)
        (Invoke-TestCli -Arguments @('lab', 'stop', $lab)).ExitCode | Should -Be 0
        Remove-ResyncLab -Path $lab -Confirm:$false -ErrorAction Stop
        Test-Path -LiteralPath $lab | Should -Be $false
    }

    It 'removes a lab without a service (lab init --no-service: no DXA to stop)' {
        $lab = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-rmlab-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $labs.Add($lab)
        (Invoke-TestCli -Arguments @('lab', 'init', $lab, '--no-service', '--recipients', '20')).ExitCode | Should -Be 0
        Remove-ResyncLab -Path $lab -Confirm:$false -ErrorAction Stop
        Test-Path -LiteralPath $lab | Should -Be $false
    }

    It '-WhatIf stops and deletes nothing' {
        $lab = New-TestLab
        $labs.Add($lab)
        $dxa = (Get-TestLabService -Path $lab).Pid
        $listing = Get-TestTreeListing -Path $lab
        Remove-ResyncLab -Path $lab -WhatIf
        Test-TestProcess -Id $dxa | Should -Be $true
        (Get-TestLabService -Path $lab).Pid | Should -Be $dxa
        Get-TestTreeListing -Path $lab | Should -Be $listing
    }

    It 'binds Path from Get-ResyncLab output: Get-ResyncLab ... | Remove-ResyncLab -Confirm:$false removes every lab' {
        $one = New-TestLab -Requestor 'PO1'
        $two = New-TestLab -Requestor 'PO1'
        $labs.Add($one)
        $labs.Add($two)
        (Invoke-TestCli -Arguments @('lab', 'stop', $two)).ExitCode | Should -Be 0
        Get-ResyncLab -Path $one, $two | Remove-ResyncLab -Confirm:$false
        Test-Path -LiteralPath $one | Should -Be $false
        Test-Path -LiteralPath $two | Should -Be $false
    }

    It 'binds Path from New-ResyncLab output' {
        $lab = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-rmlab-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $labs.Add($lab)
        New-ResyncLab -Path $lab -Requestor 'PO1' -Recipients 20 -StartMs 100 -Confirm:$false | Remove-ResyncLab -Confirm:$false
        Test-Path -LiteralPath $lab | Should -Be $false
    }

    It 'refuses a folder that is not a lab (ResyncGlb.LabNotFound): the folder and its files intact; the next path is removed' {
        $lab = New-TestLab -Requestor 'PO1'
        $labs.Add($lab)
        $plain = Join-Path $TestDrive 'precious'
        $null = New-Item -ItemType Directory -Path (Join-Path $plain 'exchsrvr')
        $null = New-Item -ItemType Directory -Path (Join-Path $plain 'postoffices')
        Set-Content -LiteralPath (Join-Path $plain 'notes.txt') -Value 'keep me'
        Set-Content -LiteralPath (Join-Path $plain 'exchsrvr/data.bin') -Value 'keep me too'
        # Everything of a lab but lab.json's kind: still not a lab.
        Set-Content -LiteralPath (Join-Path $plain 'registry.json') -Value '{}'
        Set-Content -LiteralPath (Join-Path $plain 'lab.json') -Value '{"kind":"Something.Else"}'
        $listing = Get-TestTreeListing -Path $plain
        $file = Join-Path $TestDrive 'a-file.txt'
        Set-Content -LiteralPath $file -Value 'not a lab'

        Remove-ResyncLab -Path $plain, $file, $lab -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed).Count | Should -Be 2
        foreach ($e in $failed) { $e.FullyQualifiedErrorId | Should -Be 'ResyncGlb.LabNotFound,Remove-ResyncLab' }
        $failed[0].TargetObject | Should -Be $plain
        $failed[0].Exception.Message | Should -Match 'nothing was deleted'
        Get-TestTreeListing -Path $plain | Should -Be $listing
        Get-Content -LiteralPath $file | Should -Be 'not a lab'
        Test-Path -LiteralPath $lab | Should -Be $false
    }

    It 'refuses a folder that is not a lab under -WhatIf too' {
        $plain = Join-Path $TestDrive 'plain'
        $null = New-Item -ItemType Directory -Path $plain
        Remove-ResyncLab -Path $plain -WhatIf -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'ResyncGlb.LabNotFound,Remove-ResyncLab'
        Test-Path -LiteralPath $plain | Should -Be $true
    }

    It 'a lab whose DXA cannot be stopped (lab fault --hang-on-stop): ResyncGlb.LabStillRunning, nothing deleted, the DXA still runs' {
        $lab = New-TestLab -Requestor 'PO1'
        $labs.Add($lab)
        $dxa = (Get-TestLabService -Path $lab).Pid
        (Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--hang-on-stop')).ExitCode | Should -Be 0
        # The stop request the attempt leaves (service.control) aside, every file stays as it was.
        $listing = @(Get-TestTreeListing -Path $lab | Where-Object { $_ -notmatch '(service\.control|service\.json|dxa\.log)\|' })
        try {
            Remove-ResyncLab -Path $lab -TimeoutSec 1 -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
            @($failed).Count | Should -Be 1
            $failed[0].FullyQualifiedErrorId | Should -Be 'ResyncGlb.LabStillRunning,Remove-ResyncLab'
            $failed[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $failed[0].Exception.Message | Should -Match 'nothing was deleted'
            $failed[0].ErrorDetails.RecommendedAction | Should -Match "Stop-Process -Id $dxa"
            Test-TestProcess -Id $dxa | Should -Be $true
            @(Get-TestTreeListing -Path $lab | Where-Object { $_ -notmatch '(service\.control|service\.json|dxa\.log)\|' }) | Should -Be $listing
        }
        finally {
            $null = Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--clear')
        }
        # With the fault cleared the same lab goes.
        Remove-ResyncLab -Path $lab -Confirm:$false -ErrorAction Stop
        Test-Path -LiteralPath $lab | Should -Be $false
        Test-TestProcess -Id $dxa | Should -Be $false
    }

    It 'removes a link inside the lab as a link: what it points to is kept' {
        $lab = New-TestLab -Requestor 'PO1'
        $labs.Add($lab)
        $outside = Join-Path $TestDrive 'outside'
        $null = New-Item -ItemType Directory -Path $outside
        Set-Content -LiteralPath (Join-Path $outside 'keep.txt') -Value 'outside the lab'
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $lab 'postoffices/LINKED') -Target $outside
        Remove-ResyncLab -Path $lab -Confirm:$false -ErrorAction Stop
        Test-Path -LiteralPath $lab | Should -Be $false
        Get-Content -LiteralPath (Join-Path $outside 'keep.txt') | Should -Be 'outside the lab'
    }

    It 'refuses a link to a lab (ResyncGlb.LabRemoveRefused): the link and the lab stay' {
        $lab = New-TestLab -Requestor 'PO1'
        $labs.Add($lab)
        $link = Join-Path $TestDrive 'lab-link'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $lab
        Remove-ResyncLab -Path $link -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'ResyncGlb.LabRemoveRefused,Remove-ResyncLab'
        Test-Path -LiteralPath (Join-Path $link 'lab.json') | Should -Be $true
        (Get-TestLabService -Path $lab).Status | Should -Be 'Running'
    }
}
