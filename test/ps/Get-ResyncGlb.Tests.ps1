#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Get-ResyncGlb: what can honestly be said about a Resync.glb (length, hash, and for the lab's own layout its header and transactions).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestManifestPath) -Force
    $lab = New-TestLab
    $made = New-ResyncGlb -LabPath $lab -Requestor PO1, PO2 -Force
}

AfterAll {
    Remove-TestLab -Path $lab
}

Describe 'Get-ResyncGlb' {
    It 'has exactly its documented parameters, Path bound from the pipeline by property name' {
        $cmd = Get-Command Get-ResyncGlb
        Get-TestOwnParameter -Command $cmd | Should -Be @('ExpectedSha256', 'Path')
        $bound = $cmd.Parameters['Path'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        @($bound | Where-Object { $_.ValueFromPipelineByPropertyName }).Count | Should -BeGreaterThan 0
    }

    It 'inspects a lab file: complete, with sync numbers' {
        $i = $made | Get-ResyncGlb
        $i.Format | Should -Be 'Lab'
        $i.Complete | Should -BeTrue
        $i.Sha256 | Should -Be $made.Sha256
    }
}
