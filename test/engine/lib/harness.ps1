# A tiny test harness for scripts run by PsEngineHost (test/engine/run.mjs parses what it prints).
# One line per test, always one of:
#   TEST PASS <name>
#   TEST FAIL <name> :: <reason>
#   TEST SKIP <name> :: <reason>
# Only Microsoft.PowerShell.Core cmdlets and the host's stand-ins exist in the NuGet engine, so this uses the
# language and .NET only.

$script:TestCounts = @{ Pass = 0; Fail = 0; Skip = 0 }

function Format-TestText {
    param([AllowNull()] [object] $Text)
    $s = [string]$Text
    $s = $s -replace "`r", '' -replace "`n", ' | '
    $s.Replace(' :: ', ' : ').Trim()
}

function Test-Case {
    <# Runs $Body; a throw is a failure, Skip-Test is a skip, anything else a pass. #>
    param(
        [Parameter(Mandatory = $true, Position = 0)] [string] $Name,
        [Parameter(Mandatory = $true, Position = 1)] [scriptblock] $Body
    )
    $label = Format-TestText $Name
    try {
        $null = & $Body
        $script:TestCounts.Pass++
        "TEST PASS $label"
    }
    catch {
        $record = $_
        if ($record.FullyQualifiedErrorId -like 'EngineTest.Skip*') {
            $script:TestCounts.Skip++
            "TEST SKIP $label :: $(Format-TestText $record.Exception.Message)"
        }
        else {
            $script:TestCounts.Fail++
            # Where it failed: the first stack frame outside this harness ("at <name>, <file>: line <n>").
            $where = ''
            foreach ($frame in ([string]$record.ScriptStackTrace) -split "`n") {
                $m = [regex]::Match($frame, ', (?<file>[^,]+): line (?<line>\d+)\s*$')
                if ($m.Success -and -not $m.Groups['file'].Value.EndsWith('harness.ps1')) {
                    $where = " (at $([System.IO.Path]::GetFileName($m.Groups['file'].Value)):$($m.Groups['line'].Value))"
                    break
                }
            }
            "TEST FAIL $label :: $(Format-TestText $record.Exception.Message)$where"
        }
    }
}

function Skip-Test {
    <# Ends the current Test-Case as skipped, with the reason. #>
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)] [string] $Reason)
    $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
            [System.Exception]::new($Reason), 'EngineTest.Skip', [System.Management.Automation.ErrorCategory]::NotEnabled, $null))
}

function Assert-True {
    param([Parameter(Mandatory = $true, Position = 0)] [AllowNull()] [object] $Condition, [Parameter(Position = 1)] [string] $Message = 'expected a true condition')
    if (-not $Condition) { throw $Message }
}

function Assert-Equal {
    param(
        [Parameter(Mandatory = $true, Position = 0)] [AllowNull()] [object] $Expected,
        [Parameter(Mandatory = $true, Position = 1)] [AllowNull()] [object] $Actual,
        [Parameter(Position = 2)] [string] $What = 'value'
    )
    if (-not [object]::Equals($Expected, $Actual)) {
        throw "$What`: expected '$Expected', got '$Actual'"
    }
}

function Assert-NoFinding {
    <# Fails listing every finding (strings) when there is at least one. #>
    param([AllowNull()] [AllowEmptyCollection()] [object[]] $Findings)
    $list = @($Findings | Where-Object { $null -ne $_ })
    if ($list.Count -gt 0) {
        $shown = @($list | ForEach-Object { [string]$_ })
        if ($shown.Count -gt 12) { $shown = @($shown[0..11]) + "... and $($shown.Count - 12) more" }
        throw ("{0} finding(s): {1}" -f $list.Count, ($shown -join '; '))
    }
}

function Write-TestSummary {
    <# The last line: the counts, for a human reading the log; exit code 3 (via the host) when a test failed. #>
    "SUMMARY $($script:TestCounts.Pass) passed, $($script:TestCounts.Fail) failed, $($script:TestCounts.Skip) skipped"
    if ($script:TestCounts.Fail -gt 0) { $global:EngineExitCode = 3 }
}
