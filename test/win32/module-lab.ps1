# The lab procedure as an admin runs it on Windows, for module.test.mjs: import the built module, make a lab
# DSS, generate Resync.glb for two requestors, deliver it to both postoffices, and write what happened to
# -SummaryPath as JSON. Any error stops the script (the host then exits 1 with the error on stderr).
param(
    [Parameter(Mandatory = $true)] [string] $ModuleManifest,
    [Parameter(Mandatory = $true)] [string] $LabPath,
    [Parameter(Mandatory = $true)] [string] $SummaryPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# The point of the run: the module needs no Node.js on Windows x64. Said before anything else, so a
# machine where node is still reachable fails here rather than passing with node.
# The folders are looked at directly as well as through Get-Command: under Wine this PowerShell resolves no
# bare application name from PATH (Get-Command cmd finds nothing, Get-Command cmd* does), so Get-Command
# alone would say "no node" whatever PATH held.
$nodes = @(Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue | ForEach-Object { $_.Source })
$extensions = @('') + @(([string]$env:PATHEXT).Split(';') | Where-Object { $_ })
foreach ($folder in @(([string]$env:Path).Split([System.IO.Path]::PathSeparator) | Where-Object { $_ })) {
    foreach ($extension in $extensions) {
        $candidate = [System.IO.Path]::Combine($folder, "node$extension")
        if ([System.IO.File]::Exists($candidate)) { $nodes += $candidate }
    }
}
if ($nodes.Count -gt 0) { throw "node is on PATH ($($nodes -join ', ')); this run must have none" }
if ($env:RESYNCGLB_NODE) { throw "RESYNCGLB_NODE is set ($env:RESYNCGLB_NODE); this run must not name a node" }

Import-Module -Name $ModuleManifest -Force
$module = Get-Module -Name 'ResyncGlb'

$lab = New-ResyncLab -Path $LabPath -Requestor 'PO1', 'PO2' -Recipients 60 -StartMs 100 -Force

# 4>&1 keeps the verbose records, among them the one that names the engine, beside the result.
$records = @(New-ResyncGlb -LabPath $LabPath -Requestor 'PO1', 'PO2' -Force -Verbose 4>&1)
$verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message })
$results = @($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
foreach ($line in $verbose) { Write-Verbose -Message $line -Verbose }
if ($results.Count -ne 1) { throw "New-ResyncGlb returned $($results.Count) results, not 1" }
$result = $results[0]

$destinations = @($lab.Requestors | ForEach-Object { $_.GlbPath })
$copies = @($result | Copy-ResyncToRequestor -Destination $destinations)

$summary = [ordered]@{
    PSVersion     = $PSVersionTable.PSVersion.ToString()
    PSEdition     = $PSVersionTable.PSEdition
    ModuleBase    = $module.ModuleBase
    ModuleVersion = $module.Version.ToString()
    NodeOnPath    = $nodes
    EngineLines   = @($verbose | Where-Object { $_ -like 'Engine:*' })
    Lab           = [ordered]@{
        Path       = $lab.Path
        Requestors = @($lab.Requestors | ForEach-Object { [ordered]@{ DisplayName = $_.DisplayName; GlbPath = $_.GlbPath } })
    }
    Result        = [ordered]@{
        Path          = $result.Path
        Length        = $result.Length
        Sha256        = $result.Sha256
        ValueRemoved  = $result.ValueRemoved
        ServiceStatus = [string]$result.ServiceStatus
        FinalRestart  = [string]$result.FinalRestart
        Requestor     = @($result.Requestor)
    }
    Copies        = @($copies | ForEach-Object {
            [ordered]@{ Destination = $_.Destination; Sha256 = $_.Sha256; Verified = $_.Verified; Status = [string]$_.Status; Length = $_.Length }
        })
}
[System.IO.File]::WriteAllText($SummaryPath, ($summary | ConvertTo-Json -Depth 6), [System.Text.UTF8Encoding]::new($false))
"summary written to $SummaryPath"
