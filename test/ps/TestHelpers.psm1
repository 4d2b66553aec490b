# Shared helpers for the Pester suites: paths, the bundle, and throwaway lab DSSs.
$script:Root = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$script:Bundle = Join-Path $script:Root 'dist/ResyncGlb/bin/resync-glb.cjs'

function Get-TestRoot { $script:Root }

# The built module (node build.mjs writes it to dist/ResyncGlb) and its bundle.
function Get-TestManifestPath { Join-Path $script:Root 'dist/ResyncGlb/ResyncGlb.psd1' }
function Get-TestBundlePath { $script:Bundle }

function Get-TestPwshPath {
    <#
    The pwsh to start again (a fresh process, an SSH subsystem): the one the runner was given, else the apphost
    in $PSHOME. Not [Environment]::ProcessPath: a pwsh installed as a .NET tool runs under `dotnet`, so that
    names dotnet, not pwsh.
    #>
    if ($env:RESYNCGLB_PWSH -and (Test-Path -LiteralPath $env:RESYNCGLB_PWSH -PathType Leaf)) { return $env:RESYNCGLB_PWSH }
    foreach ($name in @('pwsh', 'pwsh.exe')) {
        $candidate = Join-Path $PSHOME $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    throw "no pwsh executable found (RESYNCGLB_PWSH is not set and `$PSHOME ($PSHOME) has none)"
}

function Invoke-TestCli {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $output = & node $script:Bundle @Arguments 2>&1
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output -join [Environment]::NewLine) }
}

function New-TestLab {
    param([string[]] $Requestor = @('PO1', 'PO2'), [int] $StartMs = 150)
    $path = Join-Path ([System.IO.Path]::GetTempPath()) ("resync-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $cliArgs = @('lab', 'init', $path, '--start-ms', $StartMs, '--recipients', '50')
    foreach ($r in $Requestor) { $cliArgs += @('--requestor', $r) }
    $r = Invoke-TestCli -Arguments $cliArgs
    if ($r.ExitCode -ne 0) { throw "lab init failed: $($r.Output)" }
    $s = Invoke-TestCli -Arguments @('lab', 'start', $path)
    if ($s.ExitCode -ne 0) { throw "lab start failed: $($s.Output)" }
    $path
}

function Remove-TestLab {
    param([string] $Path)
    if ($Path -and (Test-Path -LiteralPath $Path)) {
        # A fault such as --hang-on-stop would keep the DXA running past the stop.
        if (Test-Path -LiteralPath (Join-Path $Path 'lab.json')) { $null = Invoke-TestCli -Arguments @('lab', 'fault', $Path, '--clear') }
        $null = Invoke-TestCli -Arguments @('lab', 'stop', $Path)
        Remove-Item -LiteralPath $Path -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Get-TestLabSnapshot {
    # Every byte of the lab's registry store, its Dxadata listing and the service state.
    param([Parameter(Mandatory)] [string] $Path)
    $registry = Get-Content -Raw -LiteralPath (Join-Path $Path 'registry.json')
    $files = Get-ChildItem -Recurse -File -LiteralPath (Join-Path $Path 'exchsrvr') | ForEach-Object { "$($_.FullName)|$($_.Length)|$((Get-FileHash $_.FullName).Hash)" }
    $status = (Invoke-TestCli -Arguments @('lab', 'status', $Path, '--json')).Output
    $serviceStatus = ($status | ConvertFrom-Json).Status
    "$registry`n$($files -join "`n")`n$serviceStatus"
}

function Get-TestLabValue {
    param([Parameter(Mandatory)] [string] $Path)
    $store = Get-Content -Raw -LiteralPath (Join-Path $Path 'registry.json') | ConvertFrom-Json -AsHashtable
    if (-not $store.ContainsKey('keys')) { throw "'$Path/registry.json' is not a lab registry store" }
    foreach ($key in $store['keys'].Keys) {
        $values = $store['keys'][$key]
        if ($key -like '*Services\MSExchangeDX' -and $values.ContainsKey('ResyncConnectionRDNs')) { return , [string[]]$values['ResyncConnectionRDNs']['data'] }
    }
    $null
}

function Get-TestLabService {
    # The lab service as the engine reports it (lab status --json): Status, Pid, Faults ...
    param([Parameter(Mandatory)] [string] $Path)
    $r = Invoke-TestCli -Arguments @('lab', 'status', $Path, '--json')
    if ($r.ExitCode -ne 0) { throw "lab status failed: $($r.Output)" }
    $r.Output | ConvertFrom-Json
}

function Test-TestProcess {
    # True while a process with this id runs (the lab DXA is a process of its own). On Linux an ended
    # process that nobody has reaped yet (a zombie: init here reaps late) has ended, as the engine's
    # own check holds (src/shared/process-info.ts).
    param([Parameter(Mandatory)] [int] $Id)
    if ($null -eq (Get-Process -Id $Id -ErrorAction SilentlyContinue)) { return $false }
    $stat = "/proc/$Id/stat"
    if (Test-Path -LiteralPath $stat) {
        $text = Get-Content -Raw -LiteralPath $stat -ErrorAction SilentlyContinue
        # The state follows the parenthesised command name: "pid (comm) S ...".
        if ($text -and $text.Substring($text.LastIndexOf(')') + 2, 1) -eq 'Z') { return $false }
    }
    $true
}

function Get-TestTreeListing {
    # Every file and folder under a path with its length and hash, to prove a folder untouched.
    param([Parameter(Mandatory)] [string] $Path)
    Get-ChildItem -LiteralPath $Path -Recurse -Force | Sort-Object FullName | ForEach-Object {
        if ($_.PSIsContainer) { "$($_.FullName)/" } else { "$($_.FullName)|$($_.Length)|$((Get-FileHash -LiteralPath $_.FullName).Hash)" }
    }
}

function Get-TestOwnParameter {
    # A command's own parameters, sorted: what it declares, without the common and optional common ones.
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $Command.Parameters.Keys | Where-Object { $common -notcontains $_ } | Sort-Object
}

Export-ModuleMember -Function *
