# B1 baseline in PowerShell: what an expert would script by hand, event-driven and with no checks.
# The KB Q150976 steps (write the value, stop, start the service through the bundle's lab commands, as
# reg.exe / Restart-Service would), then wait on FileSystemWatcher events instead of polling until
# Resync.glb is there and the DXA has removed the value, move the file out, and restart the service
# once more, as Q156063 asks after a generation (the tool does the same by default).
# No preflight, no backup, no rollback, no verification.
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
$dxadata = Join-Path $Lab 'exchsrvr' 'Dxadata'
$file = Join-Path $dxadata $FileName
$registry = Join-Path $Lab 'registry.json'
function Test-Done {
    (Test-Path -LiteralPath $file) -and -not (Select-String -LiteralPath $registry -SimpleMatch -Quiet -Pattern "`"$ValueName`"")
}
$pending = foreach ($r in $Requestor) { '--pending-value'; $r }
& $Node $Bundle lab fault $Lab @pending | Out-Null
if ($LASTEXITCODE) { exit 1 }
& $Node $Bundle lab stop $Lab | Out-Null
if ($LASTEXITCODE) { exit 1 }
# Watch before the start, so no event can slip between the start and the watch. The registry is
# replaced by a rename; the file is written in place.
$watchers = foreach ($dir in $dxadata, $Lab) {
    $w = [System.IO.FileSystemWatcher]::new($dir)
    $w.NotifyFilter = [System.IO.NotifyFilters]'FileName, LastWrite, Size'
    $w
}
$ids = @()
foreach ($w in $watchers) {
    foreach ($name in 'Created', 'Changed', 'Renamed') {
        $id = "ResyncExpert.$($ids.Count)"
        $null = Register-ObjectEvent -InputObject $w -EventName $name -SourceIdentifier $id
        $ids += $id
    }
    $w.EnableRaisingEvents = $true
}
try {
    & $Node $Bundle lab start $Lab | Out-Null
    if ($LASTEXITCODE) { exit 1 }
    while (-not (Test-Done)) {
        # Any change in either folder wakes the check; the timeout only guards a missed event.
        $null = Wait-Event -Timeout 5
        Get-Event | Remove-Event
    }
} finally {
    foreach ($id in $ids) { Unregister-Event -SourceIdentifier $id }
    foreach ($w in $watchers) { $w.Dispose() }
}
Move-Item -LiteralPath $file -Destination $Out
& $Node $Bundle lab stop $Lab | Out-Null
if ($LASTEXITCODE) { exit 1 }
& $Node $Bundle lab start $Lab | Out-Null
if ($LASTEXITCODE) { exit 1 }
