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
    It 'imports with no engine at all (no RESYNCGLB_NODE, no node on PATH): the engine is chosen by the first command' {
        $savedNode = $env:RESYNCGLB_NODE
        $savedPath = $env:PATH
        $empty = Join-Path $TestDrive 'import-empty-path'
        $null = New-Item -ItemType Directory -Path $empty -Force
        $ps = [powershell]::Create()
        try {
            Remove-Item Env:RESYNCGLB_NODE -ErrorAction SilentlyContinue
            $env:PATH = $empty
            $null = $ps.AddScript({ param($m) (Import-Module $m -Force -PassThru -ErrorAction Stop).Name }).AddArgument($manifestPath)
            $out = $ps.Invoke()
            $ps.Streams.Error.Count | Should -Be 0
            @($out) | Should -Be @('ResyncGlb')
        }
        finally {
            $ps.Dispose()
            $env:PATH = $savedPath
            $env:RESYNCGLB_NODE = $savedNode
        }
    }
    It 'keeps private helpers private' {
        Get-Command -Module ResyncGlb -Name Invoke-ResyncBundle -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Engine selection (docs/INSTALL.md, "Which engine runs")' {
    BeforeAll {
        $nodeOnPath = @(Get-Command -Name node -CommandType Application -ErrorAction Stop)[0].Path
        $bundle = & $module { $script:BundlePath }
        $realExePath = & $module { $script:ExePath }
        # A file where the module looks for its exe: selection only checks that it exists, nothing runs it here.
        $fakeExe = Join-Path $TestDrive 'win-x64/resync-glb.exe'
        $null = New-Item -ItemType File -Path $fakeExe -Force
        $emptyPath = Join-Path $TestDrive 'empty-path'
        $null = New-Item -ItemType Directory -Path $emptyPath -Force
        function Get-EngineError([scriptblock] $Script) {
            $err = $null
            try { & $Script } catch { $err = $_ }
            $err
        }
    }
    BeforeEach {
        $savedNode = $env:RESYNCGLB_NODE
        $savedPath = $env:PATH
        Remove-Item Env:RESYNCGLB_NODE -ErrorAction SilentlyContinue
        & $module { param($p) $script:ExePath = $p } $fakeExe
    }
    AfterEach {
        $env:PATH = $savedPath
        $env:RESYNCGLB_NODE = $savedNode
        & $module { param($p) $script:ExePath = $p } $realExePath
    }

    It 'has exactly its documented parameters (Resolve-ResyncEngine; the platform seam Test-ResyncWindowsX64)' {
        Get-TestOwnParameter -Command (& $module { Get-Command Resolve-ResyncEngine }) | Should -Be @('TimeoutMs')
        Get-TestOwnParameter -Command (& $module { Get-Command Test-ResyncWindowsX64 }) | Should -Be @('Is64BitOperatingSystem', 'OnWindows', 'ProcessorArchitecture', 'ProcessorArchitectureW6432')
    }

    It 'Test-ResyncWindowsX64: <Case> -> <Expected>' -ForEach @(
        @{ Case = 'x64 Windows, 64-bit PowerShell'; OnWindows = $true; Is64 = $true; Arch = 'AMD64'; W6432 = ''; Expected = $true }
        @{ Case = 'x64 Windows, 32-bit PowerShell (starts 64-bit programs)'; OnWindows = $true; Is64 = $true; Arch = 'x86'; W6432 = 'AMD64'; Expected = $true }
        @{ Case = '32-bit Windows'; OnWindows = $true; Is64 = $false; Arch = 'x86'; W6432 = ''; Expected = $false }
        @{ Case = 'an operating system that says it is 32-bit, whatever the variables say'; OnWindows = $true; Is64 = $false; Arch = 'AMD64'; W6432 = ''; Expected = $false }
        @{ Case = 'Windows on Arm, native ARM64 PowerShell'; OnWindows = $true; Is64 = $true; Arch = 'ARM64'; W6432 = ''; Expected = $false }
        @{ Case = 'Windows on Arm, x86 PowerShell'; OnWindows = $true; Is64 = $true; Arch = 'x86'; W6432 = 'ARM64'; Expected = $false }
        @{ Case = 'Windows 11 on Arm, x64 PowerShell under emulation'; OnWindows = $true; Is64 = $true; Arch = 'AMD64'; W6432 = ''; Expected = $true }
        @{ Case = 'Linux or macOS on x64'; OnWindows = $false; Is64 = $true; Arch = ''; W6432 = ''; Expected = $false }
    ) {
        $answer = & $module { param($w, $b, $a, $x) Test-ResyncWindowsX64 -OnWindows $w -Is64BitOperatingSystem $b -ProcessorArchitecture $a -ProcessorArchitectureW6432 $x } $OnWindows $Is64 $Arch $W6432
        $answer | Should -Be $Expected
    }

    It 'Test-ResyncWindowsX64 with its defaults answers no on this host, which is not Windows' -Skip:(($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
        (& $module { Test-ResyncWindowsX64 }) | Should -Be $false
    }

    It 'on Windows x64 with bin/win-x64/resync-glb.exe present: the exe, with no leading arguments' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $true }
        $engine = & $module { Resolve-ResyncEngine }
        $engine.Kind | Should -Be 'Exe'
        $engine.Path | Should -Be $fakeExe
        $engine.Source | Should -Be 'Module'
        @($engine.Arguments).Count | Should -Be 0
    }

    It 'the exe needs no node: chosen with PATH emptied' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $true }
        $env:PATH = $emptyPath
        (& $module { Resolve-ResyncEngine }).Kind | Should -Be 'Exe'
    }

    It 'RESYNCGLB_NODE wins over the exe: that node runs the bundle' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $true }
        $env:RESYNCGLB_NODE = $nodeOnPath
        $engine = & $module { Resolve-ResyncEngine }
        $engine.Kind | Should -Be 'Node'
        $engine.Source | Should -Be 'RESYNCGLB_NODE'
        $engine.Path | Should -Be $nodeOnPath
        @($engine.Arguments) | Should -Be @($bundle)
        $engine.Version | Should -Match '^\d+\.\d+\.\d+$'
    }

    It 'not Windows x64 (off Windows, 32-bit Windows, Windows on Arm): the exe is left alone and the node on PATH runs the bundle' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $false }
        $engine = & $module { Resolve-ResyncEngine }
        $engine.Kind | Should -Be 'Node'
        $engine.Source | Should -Be 'PATH'
        $engine.Path | Should -Be $nodeOnPath
        @($engine.Arguments) | Should -Be @($bundle)
    }

    It 'off Windows the real platform check (not mocked) leaves an exe that is there alone' -Skip:(($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
        (& $module { Resolve-ResyncEngine }).Kind | Should -Be 'Node'
    }

    It 'on Windows x64 without the exe file: the node on PATH' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $true }
        & $module { param($p) $script:ExePath = $p } (Join-Path $TestDrive 'no-such/resync-glb.exe')
        $engine = & $module { Resolve-ResyncEngine }
        $engine.Kind | Should -Be 'Node'
        $engine.Source | Should -Be 'PATH'
    }

    It 'no RESYNCGLB_NODE, no usable exe, no node on PATH: the command fails with ResyncGlb.EngineNotFound, naming both remedies' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $false }
        $env:PATH = $emptyPath
        $err = Get-EngineError { Get-ResyncGlb -Path $PSCommandPath }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.EngineNotFound,Get-ResyncGlb'
        $err.Exception.Message | Should -Match "no 'node' on PATH"
        $err.Exception.Message | Should -Match 'Node\.js 20 or later'
        $err.Exception.Message | Should -Match 'winget install OpenJS\.NodeJS\.LTS'
        $err.Exception.Message | Should -Match 'Windows x64'
        $err.Exception.Message | Should -Match 'resync-glb\.exe'
        $err.ErrorDetails.RecommendedAction | Should -Match 'RESYNCGLB_NODE'
    }

    It 'on Windows x64 with neither the exe nor node: EngineNotFound says to reinstall the module (it carries the exe) or install Node.js' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $true }
        & $module { param($p) $script:ExePath = $p } (Join-Path $TestDrive 'no-such/resync-glb.exe')
        $env:PATH = $emptyPath
        $err = Get-EngineError { Get-ResyncGlb -Path $PSCommandPath }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.EngineNotFound,Get-ResyncGlb'
        $err.Exception.Message | Should -Match 'has no bin\\win-x64\\resync-glb\.exe'
        $err.Exception.Message | Should -Match 'Reinstall the module'
        $err.Exception.Message | Should -Match 'Node\.js 20 or later'
    }

    It 'a RESYNCGLB_NODE that does not exist is its own error, even where the exe would run (no fallback)' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $true }
        $env:RESYNCGLB_NODE = Join-Path $TestDrive 'no-node-here'
        $err = Get-EngineError { Get-ResyncGlb -Path $PSCommandPath }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.EngineNotFound,Get-ResyncGlb'
        $err.Exception.Message | Should -Match 'from RESYNCGLB_NODE'
        $err.Exception.Message | Should -Match ([regex]::Escape($env:RESYNCGLB_NODE))
    }

    It 'a RESYNCGLB_NODE older than 20 is refused as ResyncGlb.EngineUnusable, with its version' -Skip:(($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
        $old = Join-Path $TestDrive 'old-node'
        Set-Content -LiteralPath $old -Value "#!/bin/sh`necho v18.19.1"
        & chmod +x $old
        $env:RESYNCGLB_NODE = $old
        $err = Get-EngineError { Get-ResyncGlb -Path $PSCommandPath }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.EngineUnusable,Get-ResyncGlb'
        $err.Exception.Message | Should -Match 'v18\.19\.1'
        $err.Exception.Message | Should -Match 'too old'
    }

    It 'a RESYNCGLB_NODE that never answers cannot hang a command: the probe is bounded' -Skip:(($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
        $fake = Join-Path $TestDrive 'hanging-node'
        Set-Content -LiteralPath $fake -Value "#!/bin/sh`nexec sleep 600"
        & chmod +x $fake
        $env:RESYNCGLB_NODE = $fake
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $err = Get-EngineError { & $module { Resolve-ResyncEngine -TimeoutMs 2000 } }
        $watch.Stop()
        "$err" | Should -Match 'did not finish within 2 s'
        "$err" | Should -Match 'RESYNCGLB_NODE'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
    }

    It '-Verbose names the engine and why, once per command (two files, two engine runs): node from PATH' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $false }
        $records = @($PSCommandPath, $PSCommandPath | Get-ResyncGlb -Verbose 4>&1)
        @($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 2
        $engineLines = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Engine:*' } | ForEach-Object Message)
        $engineLines.Count | Should -Be 1
        $engineLines[0] | Should -BeLike "Engine: node *.*.* at $nodeOnPath (first node on PATH*)"
    }

    It '-Verbose names RESYNCGLB_NODE when it chose the node' {
        Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $true }
        $env:RESYNCGLB_NODE = $nodeOnPath
        $engineLines = @(Get-ResyncGlb -Path $PSCommandPath -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Engine:*' } | ForEach-Object Message)
        $engineLines | Should -Be @("Engine: node $((& $module { Resolve-ResyncEngine }).Version) at $nodeOnPath (RESYNCGLB_NODE is set)")
    }

    It 'without -Verbose says nothing about the engine' {
        $records = @(Get-ResyncGlb -Path $PSCommandPath 4>&1)
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -Be 0
    }
}

Describe 'The self-contained engine path, run for real: a stand-in resync-glb.exe in a copy of the module' -Skip:(($PSVersionTable.PSEdition -eq 'Desktop') -or $IsWindows) {
    # The real exe cannot run here. The stand-in is a shell script at the exe's place that logs its
    # arguments and execs node with the bundle; node is named by full path inside it, so PATH can be
    # emptied and the module must still find and run its engine.
    BeforeAll {
        $node = @(Get-Command -Name node -CommandType Application -ErrorAction Stop)[0].Path
        $copyParent = Join-Path $TestDrive 'modules'
        $null = New-Item -ItemType Directory -Path $copyParent -Force
        Copy-Item -Recurse -LiteralPath (Join-Path $root 'dist/ResyncGlb') -Destination $copyParent
        $copy = Join-Path $copyParent 'ResyncGlb'
        $exe = Join-Path $copy 'bin/win-x64/resync-glb.exe'
        $argLog = Join-Path $TestDrive 'exe-arguments.log'
        $null = New-Item -ItemType Directory -Path (Split-Path -Parent $exe) -Force
        function ConvertTo-ShQuoted([string] $Text) { "'" + $Text.Replace("'", "'\''") + "'" }
        $standIn = @(
            '#!/bin/sh'
            '{ for a in "$@"; do printf ''[%s]'' "$a"; done; printf ''\n''; } >> ' + (ConvertTo-ShQuoted $argLog)
            'exec ' + (ConvertTo-ShQuoted $node) + ' ' + (ConvertTo-ShQuoted (Join-Path $copy 'bin/resync-glb.cjs')) + ' "$@"'
        ) -join "`n"
        [System.IO.File]::WriteAllText($exe, $standIn + "`n")
        & chmod +x $exe
        $emptyPath = Join-Path $TestDrive 'empty-path'
        $null = New-Item -ItemType Directory -Path $emptyPath -Force
        $lab = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-exe-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $savedNode = $env:RESYNCGLB_NODE
        $savedPath = $env:PATH
    }
    AfterAll {
        $env:PATH = $savedPath
        $env:RESYNCGLB_NODE = $savedNode
        Remove-TestLab -Path $lab
        Remove-Module ResyncGlb -ErrorAction SilentlyContinue
        Import-Module $manifestPath -Force
    }

    It 'with no node on PATH, New-ResyncLab then New-ResyncGlb run through bin/win-x64/resync-glb.exe, which gets exactly the arguments the module passes' {
        try {
            Remove-Item Env:RESYNCGLB_NODE -ErrorAction SilentlyContinue
            $env:PATH = $emptyPath
            Get-Command -Name node -CommandType Application -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Remove-Module ResyncGlb -ErrorAction SilentlyContinue
            $copied = Import-Module (Join-Path $copy 'ResyncGlb.psd1') -Force -PassThru -ErrorAction Stop
            $copied.ModuleBase | Should -Be $copy
            Mock -ModuleName ResyncGlb Test-ResyncWindowsX64 { $true }

            $labOut = @(New-ResyncLab -Path $lab -Requestor PO1 -Confirm:$false -Verbose 4>&1)
            $engineLines = @($labOut | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Engine:*' } | ForEach-Object Message)
            $engineLines | Should -Be @("Engine: resync-glb.exe (self-contained) at $exe (Windows x64)")
            @($labOut | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })[0].PSObject.TypeNames[0] | Should -Be 'ResyncGlb.Lab'

            $r = New-ResyncGlb -LabPath $lab -Requestor PO1 -Force
            $r.ValueRemoved | Should -Be $true
            $r.Sha256 | Should -Be (Get-FileHash -LiteralPath $r.Path -Algorithm SHA256).Hash
        }
        finally {
            $env:PATH = $savedPath
        }
        # One line per run, each argument in brackets: two runs (lab-init, new), each given just 'rpc'
        # (no bundle path in front, nothing added or changed).
        @(Get-Content -LiteralPath $argLog) | Should -Be @('[rpc]', '[rpc]')
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
