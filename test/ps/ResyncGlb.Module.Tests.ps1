#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Module-wide rules, in the spirit of dbatools' and PSFramework's general tests.

BeforeDiscovery {
    $root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $publicFiles = Get-ChildItem (Join-Path $root 'module/ResyncGlb/Public') -Filter *.ps1
    $commands = $publicFiles | ForEach-Object { @{ Name = $_.BaseName } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $manifestPath = Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1'
    $module = Import-Module $manifestPath -Force -PassThru
}

Describe 'ResyncGlb module' {
    It 'has a valid manifest' {
        { Test-ModuleManifest -Path $manifestPath -ErrorAction Stop } | Should -Not -Throw
    }
    It 'exports exactly the functions in Public/' {
        $expected = (Get-ChildItem (Join-Path $root 'module/ResyncGlb/Public') -Filter *.ps1).BaseName | Sort-Object
        ($module.ExportedFunctions.Keys | Sort-Object) | Should -Be $expected
    }
    It 'has one test file per public command (test/ps/NAME.Tests.ps1, NAME the command)' {
        $missing = @((Get-ChildItem (Join-Path $root 'module/ResyncGlb/Public') -Filter *.ps1).BaseName |
                Where-Object { -not (Test-Path -LiteralPath (Join-Path $PSScriptRoot "$_.Tests.ps1") -PathType Leaf) })
        $missing | Should -BeNullOrEmpty
    }
    It 'refuses to import without Node.js 20+, saying what to install' {
        $saved = $env:RESYNCGLB_NODE
        try {
            $env:RESYNCGLB_NODE = Join-Path $TestDrive 'no-node-here'
            $ps = [powershell]::Create()
            $null = $ps.AddScript({ param($m) Import-Module $m -Force -ErrorAction Stop }).AddArgument($manifestPath)
            $err = $null
            try { $null = $ps.Invoke() } catch { $err = $_ }
            if ($null -eq $err -and $ps.Streams.Error.Count -gt 0) { $err = $ps.Streams.Error[0] }
            $err | Should -Not -BeNullOrEmpty
            "$err" | Should -Match 'Node\.js'
            "$err" | Should -Match 'winget install OpenJS\.NodeJS\.LTS'
            $ps.Dispose()
        }
        finally {
            $env:RESYNCGLB_NODE = $saved
        }
    }
    It 'a RESYNCGLB_NODE that never answers cannot hang the import: the probe is bounded' -Skip:(($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
        $saved = $env:RESYNCGLB_NODE
        $fake = Join-Path $TestDrive 'hanging-node'
        Set-Content -LiteralPath $fake -Value "#!/bin/sh`nexec sleep 600"
        & chmod +x $fake
        try {
            $env:RESYNCGLB_NODE = $fake
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $err = $null
            try { & $module { Get-ResyncNodePath -TimeoutMs 2000 } } catch { $err = $_ }
            $watch.Stop()
            "$err" | Should -Match 'did not finish within 2 s'
            "$err" | Should -Match 'RESYNCGLB_NODE'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
        }
        finally {
            $env:RESYNCGLB_NODE = $saved
        }
    }
    It 'keeps private helpers private' {
        Get-Command -Module ResyncGlb -Name Invoke-ResyncBundle -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe '<Name> help and shape' -ForEach $commands {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
    }
    It 'uses an approved verb' {
        (Get-Verb).Verb | Should -Contain ($Name -split '-')[0]
    }
    It 'has a synopsis, a description and at least two examples' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }
    It 'describes every parameter' {
        foreach ($p in Get-TestOwnParameter -Command $command) {
            $ph = $help.Parameters.Parameter | Where-Object Name -EQ $p
            ($ph.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "parameter $p needs a description"
        }
    }
    It 'declares an output type' {
        $command.OutputType | Should -Not -BeNullOrEmpty
    }
}
