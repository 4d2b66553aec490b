# B3/B4 in PowerShell, in one warm session (module imported once): Copy-ResyncToRequestor against
# Copy-Item + Get-FileHash of the source and of each copy, with and without flushing the copies.
# Rounds alternate the order; one warm-up of each. Prints one JSON line: times in ms.
param(
    [Parameter(Mandatory)] [string] $Source,
    [Parameter(Mandatory)] [string] $FinalName,
    [Parameter(Mandatory)] [int] $Reps,
    [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Destination
)
$ErrorActionPreference = 'Stop'
Import-Module ResyncGlb
$parent = Split-Path -Parent $Source

function Clear-Destination {
    foreach ($d in $Destination) { Get-ChildItem -LiteralPath $d -Force | Remove-Item -Force }
    & sync -f $parent
}

function Invoke-Cmdlet {
    $r = @(Copy-ResyncToRequestor -Path $Source -Destination $Destination -Force)
    if ($r.Count -ne $Destination.Count -or @($r | Where-Object { -not $_.Verified }).Count) { throw 'Copy-ResyncToRequestor did not verify every destination' }
}

function Invoke-Baseline([bool] $Flush) {
    $h = (Get-FileHash -LiteralPath $Source -Algorithm SHA256).Hash
    foreach ($d in $Destination) {
        $to = Join-Path $d $FinalName
        Copy-Item -LiteralPath $Source -Destination $to
        if ($Flush) {
            $fs = [System.IO.File]::Open($to, 'Open', 'ReadWrite')
            try { $fs.Flush($true) } finally { $fs.Dispose() }
        }
        if ((Get-FileHash -LiteralPath $to -Algorithm SHA256).Hash -ne $h) { throw "hash mismatch in $d" }
    }
}

$variants = [ordered]@{
    cmdlet          = { Invoke-Cmdlet }
    baseline        = { Invoke-Baseline $true }
    baselineNoFlush = { Invoke-Baseline $false }
}
$times = @{}
foreach ($k in $variants.Keys) { $times[$k] = [System.Collections.Generic.List[double]]::new() }
$names = @($variants.Keys)
foreach ($k in $names) { Clear-Destination; & $variants[$k] }
for ($i = 0; $i -lt $Reps; $i++) {
    for ($j = 0; $j -lt $names.Count; $j++) {
        $k = $names[($i + $j) % $names.Count]
        Clear-Destination
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        & $variants[$k]
        $times[$k].Add($sw.Elapsed.TotalMilliseconds)
    }
}
Clear-Destination
$out = [ordered]@{}
foreach ($k in $names) { $out[$k] = $times[$k].ToArray() }
$out | ConvertTo-Json -Compress
