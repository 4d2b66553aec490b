# B1 baseline in PowerShell: the KB Q150976 steps on the lab as an admin would script them by hand.
# No preflight, no backup, no rollback, no verification. Writes the value and restarts the service
# with the bundle's lab commands (as reg.exe / Restart-Service would), then polls once a second
# until Resync.glb is there and the value is gone, moves the file out, and restarts the service once
# more (Q156063's restart after generation).
param(
    [Parameter(Mandatory)] [string] $Node,
    [Parameter(Mandatory)] [string] $Bundle,
    [Parameter(Mandatory)] [string] $Lab,
    [Parameter(Mandatory)] [string] $Out,
    [Parameter(Mandatory)] [string] $ValueName,
    [Parameter(Mandatory)] [string] $FileName,
    [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Requestor
)
$ErrorActionPreference = 'Stop'
$pending = foreach ($r in $Requestor) { '--pending-value'; $r }
& $Node $Bundle lab fault $Lab @pending | Out-Null
if ($LASTEXITCODE) { exit 1 }
& $Node $Bundle lab stop $Lab | Out-Null
if ($LASTEXITCODE) { exit 1 }
& $Node $Bundle lab start $Lab | Out-Null
if ($LASTEXITCODE) { exit 1 }
$file = Join-Path $Lab 'exchsrvr' 'Dxadata' $FileName
$registry = Join-Path $Lab 'registry.json'
while (-not ((Test-Path -LiteralPath $file) -and -not (Select-String -LiteralPath $registry -SimpleMatch -Quiet -Pattern "`"$ValueName`""))) {
    Start-Sleep -Seconds 1
}
Move-Item -LiteralPath $file -Destination $Out
# The restart after generation (Q156063), which the tool does by default.
& $Node $Bundle lab stop $Lab | Out-Null
if ($LASTEXITCODE) { exit 1 }
& $Node $Bundle lab start $Lab | Out-Null
if ($LASTEXITCODE) { exit 1 }
