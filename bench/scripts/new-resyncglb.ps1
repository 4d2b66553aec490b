# B1: the cmdlet from a fresh pwsh, import included. Exit 0 only for a verified result.
param(
    [Parameter(Mandatory)] [string] $Lab,
    [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Requestor
)
$ErrorActionPreference = 'Stop'
Import-Module ResyncGlb
$r = New-ResyncGlb -LabPath $Lab -Requestor $Requestor -Force
if (-not $r -or -not $r.ValueRemoved -or $r.Length -le 0 -or -not $r.Sha256) { Write-Error 'New-ResyncGlb returned no verified result'; exit 1 }
