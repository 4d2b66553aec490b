<#
.SYNOPSIS
Runs the Pester suites under test/ps and writes a one-line JSON summary for test/run-all.mjs.
.DESCRIPTION
Needs PowerShell 7.2+ and Pester 5 or later (imported by version, so Windows' Pester 3.4 never shadows
it); `npm test` installs pwsh 7.6.9 and Pester 5.9.1 into .tools/ and passes -PesterVersion. Each *.Tests.ps1 file is a container. Failures are counted as
Failed + FailedBlocks + FailedContainers (a broken file or a failing BeforeAll counts), and a run
that discovers zero tests is a failure. A JUnit XML report goes next to the JSON summary.
.PARAMETER OutFile
Where to write the JSON summary: {suite, passed, failed, skipped, failures:[{name, reason}]}.
.PARAMETER Tag
Only tests with these tags (for example Remoting).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $OutFile,
    [string[]] $Tag,
    [string[]] $ExcludeTag,
    # The pinned Pester (npm test passes the copy it installed into .tools/); by default the newest 5.x found.
    [string] $PesterVersion
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if ($PesterVersion) { Import-Module Pester -RequiredVersion $PesterVersion -ErrorAction Stop }
else { Import-Module Pester -MinimumVersion 5.0 -ErrorAction Stop }
$root = Split-Path -Parent $PSScriptRoot
$resultsDir = Split-Path -Parent $OutFile
$null = New-Item -ItemType Directory -Force -Path $resultsDir

$config = New-PesterConfiguration
$config.Run.Path = Join-Path $PSScriptRoot 'ps'
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'JUnitXml'
$config.TestResult.OutputPath = Join-Path $resultsDir 'pester-junit.xml'
if ($Tag) { $config.Filter.Tag = $Tag }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag }

$result = Invoke-Pester -Configuration $config

$failures = [System.Collections.Generic.List[object]]::new()
foreach ($test in $result.Failed) {
    $failures.Add([ordered]@{ name = $test.ExpandedPath; reason = [string]($test.ErrorRecord | Select-Object -First 1) })
}
foreach ($block in $result.FailedBlocks) {
    $failures.Add([ordered]@{ name = "block: $($block.ExpandedPath)"; reason = [string]($block.ErrorRecord | Select-Object -First 1) })
}
foreach ($container in $result.FailedContainers) {
    $failures.Add([ordered]@{ name = "file: $($container.Item)"; reason = [string]($container.ErrorRecord | Select-Object -First 1) })
}
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
$total = $result.PassedCount + $result.FailedCount + $result.SkippedCount + $result.NotRunCount
if ($total -eq 0) {
    $failed += 1
    $failures.Add([ordered]@{ name = 'pester'; reason = 'zero tests were discovered' })
}
$summary = [ordered]@{
    suite    = 'pester'
    passed   = $result.PassedCount
    failed   = $failed
    skipped  = $result.SkippedCount + $result.NotRunCount
    failures = $failures
    pwsh     = $PSVersionTable.PSVersion.ToString()
    pester   = (Get-Module Pester).Version.ToString()
}
$summary | ConvertTo-Json -Depth 5 -Compress | Set-Content -LiteralPath $OutFile -Encoding utf8
if ($failed -gt 0) { exit 1 }
exit 0
