# B8 diagnostic (bench/diag/b8-timeline.mjs): in one pwsh that has the lab-backed stand-ins loaded
# (test/ps/pwsh-with-shadows), the cost of one call of a few ps1/ scripts as the Windows operations
# make it (`& '<script>' '<base64 request>'`), of dot-sourcing _Common.ps1 alone, and of one
# stand-in round trip to the lab. Prints one line per measure: median and first call, in ms.
param(
    [Parameter(Mandatory = $true)][string]$Ps1Dir,
    [Parameter(Mandatory = $true)][string]$RequestsBase64,
    [int]$Calls = 20
)
$ErrorActionPreference = 'Stop'
$req = ConvertFrom-Json -InputObject ([System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($RequestsBase64))) -AsHashtable
function Get-B64($o) { [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $o -Depth 10 -Compress))) }

function Measure-Calls([string]$Label, [scriptblock]$Body) {
    $ms = New-Object System.Collections.Generic.List[double]
    for ($i = 0; $i -lt $Calls; $i++) {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $null = & $Body
        $sw.Stop()
        $ms.Add($sw.Elapsed.TotalMilliseconds)
    }
    $first = $ms[0]
    $rest = @($ms | Select-Object -Skip 1 | Sort-Object)
    $median = $rest[[int][Math]::Floor($rest.Count / 2)]
    '{0,-58} median {1,7:N1} ms   first {2,7:N1} ms' -f $Label, $median, $first
}

$common = Join-Path $Ps1Dir '_Common.ps1'
$getValue = Join-Path $Ps1Dir 'Get-ResyncValue.ps1'
$getService = Join-Path $Ps1Dir 'Get-DxService.ps1'
$snapshot = Join-Path $Ps1Dir 'Get-DssSnapshot.ps1'
$bValue = Get-B64 $req.getValue
$bService = Get-B64 $req.getService
$bSnapshot = Get-B64 $req.snapshot

Measure-Calls 'empty scriptblock (the floor of a call here)' { & { } }
Measure-Calls 'dot-source _Common.ps1 in a child scope' { & { . $common } }
Measure-Calls 'stand-in round trip to the lab (lab __shadow: values)' { Invoke-ShadowLab @{ op = 'values'; key = $req.shadowKey } }
Measure-Calls 'Get-ResyncValue.ps1 (registry read)' { & $getValue $bValue }
Measure-Calls 'Get-DxService.ps1 (service status)' { & $getService $bService }
Measure-Calls 'Get-DssSnapshot.ps1 (one poll of the watch)' { & $snapshot $bSnapshot }

# The parts of one call, with _Common.ps1 loaded here once (as each script does for itself).
. $common
$keyPath = [string]$req.getValue.key.psPath
Measure-Calls '  part: ConvertFrom-DssRequest (the request, ~0.2 KB JSON)' { ConvertFrom-DssRequest -RequestBase64 $bValue }
Measure-Calls '  part: Write-DssResult (a small result envelope)' { Write-DssResult -Result @{ ok = $true; data = @{ keyExists = $true; present = $false; kind = $null; values = $null } } }
Measure-Calls '  part: Test-Path HKLM:\... (stand-in)' { Test-Path -LiteralPath $keyPath }
Measure-Calls '  part: Get-ItemProperty HKLM:\... (stand-in)' { Get-ItemProperty -LiteralPath $keyPath }
Measure-Calls '  part: Get-Service (stand-in)' { Get-Service -Name ([string]$req.getService.service.name) }
