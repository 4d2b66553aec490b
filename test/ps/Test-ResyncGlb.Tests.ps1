#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Test-ResyncGlb: true only for a whole file whose hash matches.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestManifestPath) -Force
    $lab = New-TestLab
    $made = New-ResyncGlb -LabPath $lab -Requestor PO1, PO2 -Force
}

AfterAll {
    Remove-TestLab -Path $lab
}

Describe 'Test-ResyncGlb' {
    It 'has exactly its documented parameters, Path bound from the pipeline by property name' {
        $cmd = Get-Command Test-ResyncGlb
        Get-TestOwnParameter -Command $cmd | Should -Be @('Path', 'Sha256')
        $bound = $cmd.Parameters['Path'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        @($bound | Where-Object { $_.ValueFromPipelineByPropertyName }).Count | Should -BeGreaterThan 0
    }

    It 'is $true for the file and its hash, $false for a wrong hash or a truncated copy' {
        $made | Test-ResyncGlb | Should -BeTrue
        Test-ResyncGlb -Path $made.Path -Sha256 ('0' * 64) | Should -BeFalse
        $cut = Join-Path $TestDrive 'cut.glb'
        $bytes = [System.IO.File]::ReadAllBytes($made.Path)
        [System.IO.File]::WriteAllBytes($cut, $bytes[0..([int]($bytes.Length / 2))])
        Test-ResyncGlb -Path $cut | Should -BeFalse
        Test-ResyncGlb -Path (Join-Path $TestDrive 'missing.glb') | Should -BeFalse
    }
}
