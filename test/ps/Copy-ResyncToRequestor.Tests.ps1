#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Copy-ResyncToRequestor: pipeline binding from New-ResyncGlb, verification, WhatIf, per-folder errors.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-TestRoot) 'dist/ResyncGlb/ResyncGlb.psd1') -Force
    $lab = New-TestLab
    $glb1 = Join-Path $lab 'postoffices/PO1/MAILDATA/GLB'
    $glb2 = Join-Path $lab 'postoffices/PO2/MAILDATA/GLB'
    $made = New-ResyncGlb -LabPath $lab -Requestor PO1, PO2 -Force
}

AfterAll {
    Remove-TestLab -Path $lab
}

Describe 'Copy-ResyncToRequestor' {
    BeforeEach {
        Get-ChildItem $glb1, $glb2 -Filter 'RESYNC*' -ErrorAction SilentlyContinue | Remove-Item -Force
    }

    It 'takes Path and Sha256 from New-ResyncGlb by property name and delivers verified copies' {
        $r = $made | Copy-ResyncToRequestor -Destination $glb1, $glb2 -Force
        @($r).Count | Should -Be 2
        foreach ($c in $r) {
            $c.PSObject.TypeNames[0] | Should -Be 'ResyncGlb.CopyResult'
            $c.Verified | Should -BeTrue
            $c.Status | Should -Be 'Copied'
            (Get-FileHash -LiteralPath $c.Destination).Hash | Should -Be $made.Sha256
            $c.NextStep | Should -Match 'import admin -p<password> -q -y'
            $c.NextStep | Should -Match 'rebuild -f'
        }
    }

    It 'keeps an existing RESYNC.GLB under a timestamped name' {
        Set-Content -LiteralPath (Join-Path $glb1 'RESYNC.GLB') -Value 'older file'
        $r = Copy-ResyncToRequestor -Path $made.Path -Sha256 $made.Sha256 -Destination $glb1 -Force
        $r.BackupPath | Should -Not -BeNullOrEmpty
        Get-Content -LiteralPath $r.BackupPath | Should -Be 'older file'
    }

    It '-WhatIf writes nothing' {
        $before = @(Get-ChildItem $glb1, $glb2 -Force).Count
        $out = Copy-ResyncToRequestor -Path $made.Path -Destination $glb1, $glb2 -WhatIf
        @(Get-ChildItem $glb1, $glb2 -Force).Count | Should -Be $before
        Test-Path (Join-Path $glb1 'RESYNC.GLB') | Should -BeFalse
    }

    It 'refuses a source that no longer matches its Sha256 (ResyncGlb.SourceChanged) and writes nothing' {
        $copy = Join-Path $TestDrive 'tampered.glb'
        Copy-Item -LiteralPath $made.Path -Destination $copy
        Add-Content -LiteralPath $copy -Value 'x'
        $errors = $null
        $r = Copy-ResyncToRequestor -Path $copy -Sha256 $made.Sha256 -Destination $glb1 -Force -ErrorVariable errors -ErrorAction SilentlyContinue
        (@($errors)[0]).FullyQualifiedErrorId | Should -BeLike 'ResyncGlb.SourceChanged*'
        Test-Path (Join-Path $glb1 'RESYNC.GLB') | Should -BeFalse
    }

    It 'one missing folder gets its own error; the other folder is delivered' {
        $errors = $null
        $r = Copy-ResyncToRequestor -Path $made.Path -Sha256 $made.Sha256 -Destination (Join-Path $lab 'no/such/GLB'), $glb2 -Force -ErrorVariable errors -ErrorAction SilentlyContinue
        @($r).Count | Should -Be 2
        ($r | Where-Object Status -EQ 'Copied').Destination | Should -BeLike "*PO2*RESYNC.GLB"
        @($errors).Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ResyncGlb.DestinationNotFound*'
    }

    It 'declares SupportsShouldProcess and types its output' {
        $cmd = Get-Command Copy-ResyncToRequestor
        $cmd.Parameters.ContainsKey('WhatIf') | Should -BeTrue
        $cmd.OutputType.Name | Should -Contain 'ResyncGlb.CopyResult'
    }
}
