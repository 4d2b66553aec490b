<#
module-behaviour.ps1 - imports module/ResyncGlb/ResyncGlb.psd1 in the real PowerShell engine (PsEngineHost)
and runs its cmdlets against fresh lab DSSs made by the bundle (module/ResyncGlb/bin/resync-glb.cjs, built by
`node build.mjs`). Run by `node test/engine/run.mjs`; prints one "TEST PASS|FAIL|SKIP" line per test.

    dotnet <PsEngineHost.dll> test/engine/module-behaviour.ps1 [-RepoRoot <dir>]

A test is skipped, saying why, only when what it exercises has not landed yet: a cmdlet that does not exist,
or a bundle without the `lab init` command its lab fixture needs. Anything else that goes wrong fails.

Labs are made with `resync-glb lab init <dir> --requestor PO1 --requestor PO2 --start-ms 200` and
`resync-glb lab start <dir>` (a DSS in use has its service running) in a temporary folder, and stopped with
`resync-glb lab stop <dir>` at the end, whatever happened. Every wait is bounded: the
node calls here by a timeout, the cmdlets by their -TimeoutSec/-ServiceTimeoutSec/-RecognitionTimeoutSec.

The host's [PsEngineHost.HostState] captures the WhatIf text ("What if: ...") and answers confirmation
prompts from a queue (AddAnswer 'Yes'/'No'); a prompt with no queued answer fails the test.
#>
param(
    [string] $RepoRoot
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

. ([System.IO.Path]::Combine($PSScriptRoot, 'lib', 'harness.ps1'))

if (-not $RepoRoot) { $RepoRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..')) }
$ModuleDir = [System.IO.Path]::Combine($RepoRoot, 'module', 'ResyncGlb')
$ManifestPath = [System.IO.Path]::Combine($ModuleDir, 'ResyncGlb.psd1')
$Bundle = [System.IO.Path]::Combine($ModuleDir, 'bin', 'resync-glb.cjs')
# run.mjs names the folder (ENGINE_TEST_TEMP) so it can stop the labs even if it has to kill this script.
$TempRoot = $env:ENGINE_TEST_TEMP
if (-not $TempRoot) { $TempRoot = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'resyncglb-engine-' + [System.Guid]::NewGuid().ToString('N').Substring(0, 12)) }
$null = [System.IO.Directory]::CreateDirectory($TempRoot)
$script:Labs = [System.Collections.Generic.List[string]]::new()
$script:ModuleError = $null
$script:LabCli = $null
$script:LabPool = @{}
$script:ResultProgress = $null

# Bounds for every cmdlet wait (added only for parameters the cmdlet has).
$Bounds = @{ TimeoutSec = 120; ServiceTimeoutSec = 60; RecognitionTimeoutSec = 60 }

# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------

function Find-Node {
    $found = @(Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue)
    if ($found.Count -eq 0) { throw 'node is not on PATH' }
    $found[0].Path
}

function Invoke-Node {
    <# Runs node with arguments (no shell, no quoting: ArgumentList), bounded by $TimeoutSec. #>
    param([Parameter(Mandatory = $true)] [string[]] $Arguments, [int] $TimeoutSec = 90)
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Find-Node))
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $p = [System.Diagnostics.Process]::Start($psi)
    $p.StandardInput.Close()
    $outTask = $p.StandardOutput.ReadToEndAsync()
    $errTask = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($TimeoutSec * 1000)) {
        try { $p.Kill($true) } catch { }
        throw "node $($Arguments -join ' ') did not finish within $TimeoutSec s"
    }
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $outTask.Result; StdErr = $errTask.Result }
}

function Get-LabCli {
    <# What the bundle's `lab init` offers; $null when the bundle has no lab yet. Cached. #>
    if ($null -ne $script:LabCli) { return $script:LabCli }
    if (-not [System.IO.File]::Exists($Bundle)) { $script:LabCli = @{ Ready = $false; Why = "the bundle $Bundle does not exist (run: node build.mjs)" }; return $script:LabCli }
    $help = Invoke-Node @($Bundle, 'lab', 'init', '--help') -TimeoutSec 60
    $text = $help.StdOut + $help.StdErr
    if ($help.ExitCode -ne 0 -or $text -match 'not built yet' -or $text -notmatch '<dir>') {
        $script:LabCli = @{ Ready = $false; Why = "the bundle has no 'lab init' command yet" }
    }
    else {
        $script:LabCli = @{ Ready = $true; StartMs = ($text -match '--start-ms'); Requestor = ($text -match '--requestor') }
    }
    $script:LabCli
}

function New-TestLab {
    <# A fresh lab DSS (requestors PO1 and PO2) under the temporary folder; skips the test when the bundle has no lab yet. #>
    param([Parameter(Mandatory = $true)] [string] $Name)
    $cli = Get-LabCli
    if (-not $cli.Ready) { Skip-Test $cli.Why }
    $dir = [System.IO.Path]::Combine($TempRoot, $Name)
    $arguments = [System.Collections.Generic.List[string]]::new()
    foreach ($a in @($Bundle, 'lab', 'init', $dir)) { $arguments.Add($a) }
    if ($cli.Requestor) { foreach ($r in @('PO1', 'PO2')) { $arguments.Add('--requestor'); $arguments.Add($r) } }
    if ($cli.StartMs) { $arguments.Add('--start-ms'); $arguments.Add('200') }
    $script:Labs.Add($dir)
    $r = Invoke-Node $arguments.ToArray() -TimeoutSec 90
    if ($r.ExitCode -ne 0) { throw "lab init $Name failed (exit $($r.ExitCode)): $($r.StdErr.Trim()) $($r.StdOut.Trim())" }
    # `lab init` leaves the lab's MSExchangeDX service stopped; a DSS in use has it running.
    $r = Invoke-Node @($Bundle, 'lab', 'start', $dir) -TimeoutSec 90
    if ($r.ExitCode -ne 0) { throw "lab start $Name failed (exit $($r.ExitCode)): $($r.StdErr.Trim()) $($r.StdOut.Trim())" }
    $dir
}

function Get-TestLab {
    <# A lab shared by tests that must leave it unchanged (made on first use). #>
    param([Parameter(Mandatory = $true)] [string] $Name)
    if (-not $script:LabPool.ContainsKey($Name)) { $script:LabPool[$Name] = New-TestLab $Name }
    $script:LabPool[$Name]
}

function Stop-TestLab {
    foreach ($dir in $script:Labs) {
        if (-not [System.IO.Directory]::Exists($dir)) { continue }
        try {
            $r = Invoke-Node @($Bundle, 'lab', 'stop', $dir) -TimeoutSec 90
            if ($r.ExitCode -ne 0) { "WARNING: lab stop $dir exited $($r.ExitCode): $($r.StdErr.Trim())" }
        }
        catch {
            "WARNING: lab stop $dir failed: $($_.Exception.Message)"
        }
    }
}

function Use-Cmdlet {
    <# Skips the test when the module did not import or the cmdlet does not exist yet. #>
    param([Parameter(Mandatory = $true)] [string] $Name)
    if ($null -ne $script:ModuleError) { Skip-Test "the module did not import (see the 'import' test): $script:ModuleError" }
    $cmd = Get-Command -Name $Name -Module 'ResyncGlb' -ErrorAction SilentlyContinue
    if ($null -eq $cmd) { Skip-Test "$Name does not exist in the module yet" }
    $cmd
}

function Get-Bound {
    <# The wait bounds this cmdlet accepts. #>
    param($Command)
    $b = @{}
    foreach ($k in $Bounds.Keys) { if ($Command.Parameters.ContainsKey($k)) { $b[$k] = $Bounds[$k] } }
    $b
}

function Get-LabSnapshot {
    <#
    What -WhatIf, a "No" answer and bad input must leave unchanged: registry.json (bytes and last write time:
    the store is rewritten atomically, so even a same-content write shows), service.json (status, pid and
    since: a stop/start cycle shows), the Dxadata listing, and every other file of the lab with its size
    except the logs (dxa.log, audit.jsonl).
    #>
    param([Parameter(Mandatory = $true)] [string] $Lab)
    $registry = [System.IO.Path]::Combine($Lab, 'registry.json')
    $service = [System.IO.Path]::Combine($Lab, 'service.json')
    $dxadata = [System.IO.Path]::Combine($Lab, 'exchsrvr', 'Dxadata')
    Assert-True ([System.IO.File]::Exists($registry)) "the lab has no registry.json ($registry)"
    $status = '(no service.json)'
    $serviceHash = '(no service.json)'
    if ([System.IO.File]::Exists($service)) {
        $status = [string](ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($service))).status
        $serviceHash = Get-Sha256 $service
    }
    $listing = '(no Dxadata)'
    if ([System.IO.Directory]::Exists($dxadata)) { $listing = Get-FileListing $dxadata }
    [pscustomobject]@{
        Registry        = Get-Sha256 $registry
        RegistryWritten = [System.IO.File]::GetLastWriteTimeUtc($registry).ToString('o')
        ServiceStatus   = $status
        ServiceFile     = $serviceHash
        Dxadata         = $listing
        LabFiles        = Get-FileListing $Lab
    }
}

function Get-FileListing {
    <# "relative/path=size" of every file under $Folder but the logs, sorted, joined with ';'. #>
    param([string] $Folder)
    $entries = [System.Collections.Generic.List[string]]::new()
    foreach ($f in [System.IO.Directory]::GetFiles($Folder, '*', [System.IO.SearchOption]::AllDirectories)) {
        $name = [System.IO.Path]::GetFileName($f)
        if ($name -eq 'dxa.log' -or $name -eq 'audit.jsonl') { continue }
        $entries.Add(('{0}={1}' -f [System.IO.Path]::GetRelativePath($Folder, $f).Replace('\', '/'), ([System.IO.FileInfo]::new($f)).Length))
    }
    $entries.Sort([System.StringComparer]::Ordinal)
    $entries -join ';'
}

function Assert-SameSnapshot {
    param($Before, $After, [string] $When)
    foreach ($p in $Before.PSObject.Properties) {
        $was = $p.Value
        $now = $After.($p.Name)
        if ($was -ne $now) { throw "$When changed the lab's $($p.Name): before '$was', after '$now'" }
    }
}

function Assert-ChangedSnapshot {
    <# The snapshot must notice a real run, or "unchanged" would prove nothing. #>
    param($Before, $After)
    $changed = @($Before.PSObject.Properties | Where-Object { $_.Value -ne $After.($_.Name) } | ForEach-Object { $_.Name })
    Assert-True ($changed.Count -gt 0) 'a real run left the lab snapshot unchanged: the -WhatIf/No/bad-input checks could not fail'
}

function Get-ErrorRecord {
    <# Runs $Body and returns every ErrorRecord it produced: written (non-terminating, via 2>&1) and thrown. #>
    param([Parameter(Mandatory = $true)] [scriptblock] $Body)
    $records = [System.Collections.Generic.List[object]]::new()
    try {
        & $Body 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $records.Add($_) } }
    }
    catch {
        $records.Add($_)
    }
    $records.ToArray()
}

function Assert-ErrorId {
    param([object[]] $Records, [string] $Id, [string] $Category)
    $all = @($Records | ForEach-Object { "$($_.FullyQualifiedErrorId) ($($_.CategoryInfo.Category)): $($_.Exception.Message)" })
    if ($all.Count -eq 0) { throw "no error at all; expected $Id" }
    $match = @($Records | Where-Object { $_.FullyQualifiedErrorId -like "$Id*" })
    if ($match.Count -eq 0) { throw "no $Id error; got: $($all -join ' || ')" }
    if ($Category -and [string]$match[0].CategoryInfo.Category -ne $Category) {
        throw "$Id has category $($match[0].CategoryInfo.Category), expected $Category"
    }
}

function Get-Sha256 {
    param([string] $Path)
    [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData([System.IO.File]::ReadAllBytes($Path)))
}

function Assert-Result {
    <# The ResyncGlb.Result contract (one object) for requestors $Requestor. #>
    param($Output, [string[]] $Requestor)
    $results = @($Output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] -and $_ -isnot [System.Management.Automation.WarningRecord] })
    Assert-Equal 1 $results.Count 'number of output objects'
    $r = $results[0]
    Assert-Equal 'ResyncGlb.Result' $r.PSObject.TypeNames[0] 'PSTypeName'
    foreach ($p in @('ComputerName', 'Requestor', 'Path', 'Length', 'Sha256', 'LastWriteTimeUtc', 'ValueRemoved', 'ServiceStatus', 'Duration')) {
        Assert-True ($null -ne $r.PSObject.Properties[$p]) "the result has no $p property"
    }
    Assert-True ([string]$r.ComputerName) 'ComputerName is empty'
    foreach ($n in $Requestor) { Assert-True (@($r.Requestor) -contains $n) "Requestor '$(@($r.Requestor) -join ', ')' lacks $n" }
    Assert-True ([System.IO.File]::Exists([string]$r.Path)) "the file $($r.Path) does not exist"
    $info = [System.IO.FileInfo]::new([string]$r.Path)
    Assert-Equal $info.Length ([long]$r.Length) 'Length (against the file)'
    Assert-True ([string]$r.Sha256 -cmatch '^[0-9A-F]{64}$') "Sha256 '$($r.Sha256)' is not 64 upper-case hex digits"
    Assert-Equal (Get-Sha256 $info.FullName) ([string]$r.Sha256) 'Sha256 (against the file)'
    Assert-True ($r.LastWriteTimeUtc -is [datetime]) "LastWriteTimeUtc is $($r.LastWriteTimeUtc.GetType().Name), not DateTime"
    Assert-Equal ([System.DateTimeKind]::Utc) $r.LastWriteTimeUtc.Kind 'LastWriteTimeUtc.Kind'
    Assert-Equal $true $r.ValueRemoved 'ValueRemoved'
    Assert-Equal 'Running' ([string]$r.ServiceStatus) 'ServiceStatus'
    Assert-True ($r.Duration -is [timespan]) "Duration is $($r.Duration.GetType().Name), not TimeSpan"
    $r
}

# ---------------------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------------------

try {
    Test-Case 'the bundle exists (node build.mjs)' {
        Assert-True ([System.IO.File]::Exists($Bundle)) "no $Bundle; run: node build.mjs"
    }

    Test-Case 'import: Import-Module module/ResyncGlb/ResyncGlb.psd1' {
        try {
            $m = Import-Module -Name $ManifestPath -Force -PassThru -ErrorAction Stop
        }
        catch {
            $script:ModuleError = $_.Exception.Message
            throw
        }
        Assert-Equal 'ResyncGlb' $m.Name 'module name'
    }

    Test-Case 'import: the exported commands are exactly the Public/*.ps1 files' {
        if ($null -ne $script:ModuleError) { Skip-Test 'the module did not import' }
        $public = @([System.IO.Directory]::GetFiles([System.IO.Path]::Combine($ModuleDir, 'Public'), '*.ps1') | ForEach-Object { [System.IO.Path]::GetFileNameWithoutExtension($_) })
        $exported = @(Get-Command -Module 'ResyncGlb' | ForEach-Object { $_.Name })
        $missing = @($public | Where-Object { $exported -notcontains $_ })
        $extra = @($exported | Where-Object { $public -notcontains $_ })
        Assert-True ($missing.Count -eq 0 -and $extra.Count -eq 0) "not exported: $($missing -join ', '); exported without a Public file (private helpers leak?): $($extra -join ', ')"
    }

    Test-Case 'New-ResyncLab -Path <tmp> -Requestor PO1, PO2 -Confirm:$false returns a ResyncGlb.Lab' {
        $cmd = Use-Cmdlet 'New-ResyncLab'
        $cli = Get-LabCli
        if (-not $cli.Ready) { Skip-Test $cli.Why }
        $dir = [System.IO.Path]::Combine($TempRoot, 'new-resynclab')
        $script:Labs.Add($dir)
        $splat = @{}
        if ($cmd.Parameters.ContainsKey('StartMs')) { $splat.StartMs = 200 }
        $out = @(New-ResyncLab -Path $dir -Requestor 'PO1', 'PO2' -Confirm:$false @splat)
        Assert-Equal 1 $out.Count 'number of output objects'
        Assert-Equal 'ResyncGlb.Lab' $out[0].PSObject.TypeNames[0] 'PSTypeName'
        Assert-True ([System.IO.File]::Exists([System.IO.Path]::Combine($dir, 'lab.json'))) "no lab.json in $dir"
    }

    Test-Case 'New-ResyncGlb -LabPath <lab> -Requestor PO1, PO2 -Force returns one verified ResyncGlb.Result (and the lab snapshot sees the run)' {
        $cmd = Use-Cmdlet 'New-ResyncGlb'
        $lab = New-TestLab 'result'
        $bound = Get-Bound $cmd
        $before = Get-LabSnapshot $lab
        [PsEngineHost.HostState]::Reset()
        $out = @(New-ResyncGlb -LabPath $lab -Requestor 'PO1', 'PO2' -Force @bound)
        $script:ResultProgress = @([PsEngineHost.HostState]::ProgressRecords)
        $null = Assert-Result $out @('PO1', 'PO2')
        Assert-ChangedSnapshot $before (Get-LabSnapshot $lab)
    }

    Test-Case 'New-ResyncGlb reports progress and completes every progress activity it opens' {
        if ($null -eq $script:ResultProgress) { Skip-Test 'needs the New-ResyncGlb result run above' }
        Assert-True ($script:ResultProgress.Count -gt 0) 'no progress record'
        $last = @{}
        foreach ($p in $script:ResultProgress) { $last[$p.ActivityId] = $p }
        $open = @($last.Values | Where-Object { $_.RecordType -ne [System.Management.Automation.ProgressRecordType]::Completed } | ForEach-Object { "[$($_.ActivityId)] $($_.Activity): $($_.StatusDescription)" })
        Assert-True ($open.Count -eq 0) "progress left open: $($open -join '; ')"
    }

    Test-Case 'New-ResyncGlb -WhatIf prints What if: lines and changes nothing (registry.json, service, Dxadata, lab files)' {
        $cmd = Use-Cmdlet 'New-ResyncGlb'
        $lab = Get-TestLab 'unchanged'
        $bound = Get-Bound $cmd
        $before = Get-LabSnapshot $lab
        [PsEngineHost.HostState]::Reset()
        $out = @(New-ResyncGlb -LabPath $lab -Requestor 'PO1', 'PO2' -WhatIf @bound)
        $whatIf = @([PsEngineHost.HostState]::WhatIfLines)
        Assert-True ($whatIf.Count -gt 0) 'no "What if:" line was written to the host'
        $results = @($out | Where-Object { $null -ne $_ -and $_.PSObject.TypeNames -contains 'ResyncGlb.Result' })
        Assert-Equal 0 $results.Count 'ResyncGlb.Result objects under -WhatIf'
        Assert-Equal 0 @([PsEngineHost.HostState]::Prompts).Count 'prompts under -WhatIf'
        Assert-SameSnapshot $before (Get-LabSnapshot $lab) '-WhatIf'
    }

    Test-Case 'New-ResyncGlb without -Force asks (ConfirmImpact High); the answer No changes nothing' {
        $cmd = Use-Cmdlet 'New-ResyncGlb'
        $lab = Get-TestLab 'confirm'
        $bound = Get-Bound $cmd
        $before = Get-LabSnapshot $lab
        [PsEngineHost.HostState]::Reset()
        [PsEngineHost.HostState]::AddAnswer('No')
        $out = @(New-ResyncGlb -LabPath $lab -Requestor 'PO1' @bound)
        Assert-Equal 1 @([PsEngineHost.HostState]::Prompts).Count 'confirmation prompts shown'
        Assert-Equal 0 ([PsEngineHost.HostState]::PendingAnswers) 'answers left unused'
        Assert-Equal 0 @($out | Where-Object { $null -ne $_ }).Count 'output objects after No'
        Assert-SameSnapshot $before (Get-LabSnapshot $lab) 'answering No'
    }

    Test-Case 'New-ResyncGlb without -Force asks (ConfirmImpact High); the answer Yes runs' {
        $cmd = Use-Cmdlet 'New-ResyncGlb'
        $lab = Get-TestLab 'confirm'
        $bound = Get-Bound $cmd
        [PsEngineHost.HostState]::Reset()
        [PsEngineHost.HostState]::AddAnswer('Yes')
        $out = @(New-ResyncGlb -LabPath $lab -Requestor 'PO1' @bound)
        Assert-Equal 1 @([PsEngineHost.HostState]::Prompts).Count 'confirmation prompts shown'
        $null = Assert-Result $out @('PO1')
    }

    Test-Case 'New-ResyncGlb -Requestor '''' fails with ResyncGlb.InvalidRequestor (InvalidArgument) and changes nothing' {
        $cmd = Use-Cmdlet 'New-ResyncGlb'
        $lab = Get-TestLab 'unchanged'
        $bound = Get-Bound $cmd
        $before = Get-LabSnapshot $lab
        $records = Get-ErrorRecord { New-ResyncGlb -LabPath $lab -Requestor '' -Force @bound -ErrorAction Continue }
        Assert-ErrorId $records 'ResyncGlb.InvalidRequestor' 'InvalidArgument'
        Assert-SameSnapshot $before (Get-LabSnapshot $lab) 'an empty requestor name'
    }

    Test-Case 'New-ResyncGlb -Requestor with a line break fails with ResyncGlb.InvalidRequestor (InvalidArgument) and changes nothing' {
        $cmd = Use-Cmdlet 'New-ResyncGlb'
        $lab = Get-TestLab 'unchanged'
        $bound = Get-Bound $cmd
        $before = Get-LabSnapshot $lab
        $records = Get-ErrorRecord { New-ResyncGlb -LabPath $lab -Requestor "PO1`nPO2" -Force @bound -ErrorAction Continue }
        Assert-ErrorId $records 'ResyncGlb.InvalidRequestor' 'InvalidArgument'
        Assert-SameSnapshot $before (Get-LabSnapshot $lab) 'a requestor name with a line break'
    }

    Test-Case 'New-ResyncGlb -LabPath <no lab there> fails with ResyncGlb.LabNotFound' {
        $cmd = Use-Cmdlet 'New-ResyncGlb'
        $bound = Get-Bound $cmd
        $nowhere = [System.IO.Path]::Combine($TempRoot, 'no-lab-here')
        $records = Get-ErrorRecord { New-ResyncGlb -LabPath $nowhere -Requestor 'PO1' -Force @bound -ErrorAction Continue }
        Assert-ErrorId $records 'ResyncGlb.LabNotFound' ''
        Assert-True (-not [System.IO.Directory]::Exists($nowhere)) "the failed call created $nowhere"
    }

    Test-Case 'pipeline: [pscustomobject]@{Requestor; LabPath} | New-ResyncGlb -Force binds by property name (and writes no verbose records without -Verbose)' {
        $cmd = Use-Cmdlet 'New-ResyncGlb'
        $lab = New-TestLab 'pipeline'
        $bound = Get-Bound $cmd
        $out = @([pscustomobject]@{ Requestor = 'PO1'; LabPath = $lab } | New-ResyncGlb -Force @bound 4>&1)
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        Assert-Equal 0 $verbose.Count 'verbose records without -Verbose'
        $null = Assert-Result $out @('PO1')
    }

    Test-Case 'New-ResyncGlb -Verbose writes verbose records' {
        $cmd = Use-Cmdlet 'New-ResyncGlb'
        $lab = New-TestLab 'verbose'
        $bound = Get-Bound $cmd
        $out = @(New-ResyncGlb -LabPath $lab -Requestor 'PO2' -Force -Verbose @bound 4>&1)
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        Assert-True ($verbose.Count -gt 0) 'no verbose record'
        $null = Assert-Result $out @('PO2')
    }
}
finally {
    Stop-TestLab
    try { [System.IO.Directory]::Delete($TempRoot, $true) } catch { "WARNING: could not remove $TempRoot`: $($_.Exception.Message)" }
}

Write-TestSummary
