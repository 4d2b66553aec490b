#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The static rules that stand in for PSScriptAnalyzer (static/Rules.ps1, listed in static/README.md), run on
# every PowerShell file of the project in the real parser, and each rule proven able to fail on its fixtures.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'static/Rules.ps1')
    # The fixtures are the rules' examples, some broken on purpose; they are parsed by their own tests.
    $parseFiles = @(foreach ($f in @('module', 'ps1', (Join-Path 'test' 'ps'))) { Get-PowerShellFile (Join-Path $RepoRoot $f) }) |
        Where-Object { -not $_.StartsWith($FixtureRoot) }
    $parseCases = @(foreach ($file in $parseFiles) { @{ File = $file; Name = (Get-RelativePath $file) } })
    $publicCases = @(foreach ($rule in @($Rules | Where-Object { $_.Scope -eq 'Public' })) {
            foreach ($file in $PublicFiles) { @{ Id = $rule.Id; Analyzer = $rule.Analyzer; File = $file; Name = (Get-RelativePath $file) } }
        })
    $scopeCases = @(foreach ($rule in @($Rules | Where-Object { $_.Scope -ne 'Public' })) {
            @{ Id = $rule.Id; Analyzer = $rule.Analyzer; Label = $ScopeLabel[$rule.Scope]; Count = @(Get-ScopeFile $rule.Scope).Count }
        })
    $badCases = @(foreach ($rule in $Rules) { foreach ($bad in $rule.Bad) { @{ Id = $rule.Id; Analyzer = $rule.Analyzer; Fixture = $bad } } })
    $goodCases = @(foreach ($rule in $Rules) { foreach ($good in $rule.Good) { @{ Id = $rule.Id; Analyzer = $rule.Analyzer; Fixture = $good } } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'static/Rules.ps1')
    function Get-RuleById([string] $Id) {
        $rule = @($Rules | Where-Object { $_.Id -eq $Id })
        if ($rule.Count -ne 1) { throw "no single rule with id $Id" }
        $rule[0]
    }
    # Findings are "file:line:col message" strings: joined, so a failure lists every one of them.
    function Join-Finding([object[]] $Finding) { (@($Finding) | Where-Object { $_ }) -join [Environment]::NewLine }
}

Describe 'Every PowerShell file parses' {
    It 'there are PowerShell files to check under module/' {
        $ModuleFiles.Count | Should -BeGreaterThan 0
    }

    It 'parses <Name>' -ForEach $parseCases {
        $parsed = Get-Parsed $File
        Join-Finding @(foreach ($e in $parsed.Errors) {
                '{0}:{1}:{2} {3} [{4}]' -f $Name, $e.Extent.StartLineNumber, $e.Extent.StartColumnNumber, $e.Message, $e.ErrorId
            }) | Should -BeNullOrEmpty
    }

    It 'reports a broken file with line and column (fixtures/bad/parse-error.ps1)' {
        $parsed = Get-Parsed (Join-Path $FixtureRoot 'bad/parse-error.ps1')
        $parsed.Errors.Count | Should -BeGreaterThan 0
        $parsed.Errors[0].Extent.StartLineNumber | Should -BeGreaterThan 1
        $parsed.Errors[0].Extent.StartColumnNumber | Should -BeGreaterThan 0
    }
}

Describe 'The rules hold on the project' {
    It '<Id> [<Analyzer>]: <Label> (<Count> files)' -ForEach $scopeCases {
        $rule = Get-RuleById $Id
        if ($rule.Scope -eq 'Manifest') { Test-Path -LiteralPath $ManifestPath | Should -BeTrue }
        $Count | Should -BeGreaterThan 0
        Join-Finding @(foreach ($file in @(Get-ScopeFile $rule.Scope)) { Invoke-Rule $rule $file }) | Should -BeNullOrEmpty
    }

    It '<Id> [<Analyzer>]: <Name>' -ForEach $publicCases {
        Join-Finding (Invoke-Rule (Get-RuleById $Id) $File) | Should -BeNullOrEmpty
    }
}

Describe 'Every rule can fail' {
    It '<Id> [<Analyzer>] flags fixtures/<Fixture>' -ForEach $badCases {
        $path = Join-Path $FixtureRoot $Fixture
        Test-Path -LiteralPath $path | Should -BeTrue
        # The bad fixture must parse, so that the rule (not the parser) flags it.
        (Get-Parsed $path).Errors.Count | Should -Be 0
        @(Invoke-Rule (Get-RuleById $Id) $path).Count | Should -BeGreaterThan 0
    }

    It '<Id> [<Analyzer>] passes fixtures/<Fixture>' -ForEach $goodCases {
        $path = Join-Path $FixtureRoot $Fixture
        Test-Path -LiteralPath $path | Should -BeTrue
        Join-Finding (Invoke-Rule (Get-RuleById $Id) $path) | Should -BeNullOrEmpty
    }
}

Describe 'The data the rules rest on' {
    It 'the hard-coded approved-verb list equals Get-Verb' {
        $fromPowerShell = @(Get-Verb | ForEach-Object { $_.Verb } | Sort-Object)
        $hardCoded = @($ApprovedVerbs | Sort-Object)
        @(Compare-Object $fromPowerShell $hardCoded -CaseSensitive) | Should -BeNullOrEmpty
    }

    It 'README.md names every rule and shows the current rule table' {
        $text = Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot 'static/README.md')
        @($Rules | Where-Object { -not $text.Contains('`' + $_.Id + '`') } | ForEach-Object { $_.Id }) | Should -BeNullOrEmpty
        $m = [regex]::Match($text, '(?s)<!-- rules:begin[^>]*-->\r?\n(?<table>.*?)\r?\n<!-- rules:end -->')
        $m.Success | Should -BeTrue
        $m.Groups['table'].Value.Trim() | Should -Be ((Get-RuleTable) -join "`n").Trim()
    }
}
