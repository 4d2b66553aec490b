#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# New-ResyncLab: creates a lab DSS (and starts its DXA) for the demo, the tests and the benchmarks.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $root = Get-TestRoot
    Import-Module (Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1') -Force
}

Describe 'New-ResyncLab' {
    BeforeEach {
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-newlab-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    }
    AfterEach {
        Remove-TestLab -Path $dir
    }

    It 'has exactly its documented parameters' {
        Get-TestOwnParameter -Command (Get-Command New-ResyncLab) | Should -Be @('ComputerName', 'Container', 'DxaVersion', 'Force', 'GlobalMaxSeqInResync', 'Path', 'Recipients', 'Requestor', 'RequestorSetting', 'StartMs')
        (Get-Command New-ResyncLab).Parameters['Path'].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).Mandatory | Should -Contain $true
    }

    It 'returns one ResyncGlb.Lab and writes lab.json' {
        $out = @(New-ResyncLab -Path $dir -Requestor 'PO1', 'PO2' -Confirm:$false)
        $out.Count | Should -Be 1
        $out[0].PSObject.TypeNames[0] | Should -Be 'ResyncGlb.Lab'
        Test-Path -LiteralPath (Join-Path $dir 'lab.json') -PathType Leaf | Should -BeTrue
        @((Get-Content -Raw -LiteralPath (Join-Path $dir 'lab.json') | ConvertFrom-Json).requestors).Count | Should -Be 2
    }

    It '-WhatIf creates nothing' {
        New-ResyncLab -Path $dir -Requestor 'PO1' -WhatIf
        Test-Path -LiteralPath $dir | Should -BeFalse
    }
}
