# A private OpenSSH server on 127.0.0.1 for PowerShell remoting tests (docs/ARCHITECTURE.md, "Tests").
#
# Start-SshFixture makes a throwaway folder with a host key, a client key, authorized_keys and an
# sshd_config whose powershell subsystem is the pwsh running these tests, starts
# `sshd -D -e -f <config>` on a free port, and pre-seeds a known_hosts file with ssh-keyscan.
# New-SshFixtureSession opens a PSSession to it (ConnectingTimeout, one retry). Stop-SshFixture stops
# that sshd by the PID in its pidfile and removes the folder. The system sshd is never touched.
#
# Get-SshFixtureSkipReason says why these tests cannot run here (no sshd/ssh/ssh-keygen/ssh-keyscan,
# Windows, PowerShell older than 7.3) or returns $null. Set RESYNCGLB_TEST_SSHD to use another sshd
# binary (a path that does not exist shows the skip path).
Set-StrictMode -Version 3.0
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')

$script:DefaultSshd = '/usr/sbin/sshd'

function Get-SshFixtureTool {
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()
    $sshd = $env:RESYNCGLB_TEST_SSHD
    if (-not $sshd) { $sshd = $script:DefaultSshd }
    $tools = @{ sshd = $sshd }
    foreach ($name in 'ssh', 'ssh-keygen', 'ssh-keyscan') {
        $found = @(Get-Command -Name $name -CommandType Application -ErrorAction SilentlyContinue)
        $tools[$name] = if ($found.Count -gt 0) { $found[0].Path } else { $null }
    }
    $tools
}

function Get-SshFixtureSkipReason {
    <#
    .SYNOPSIS
    Why SSH remoting tests cannot run on this machine, or $null when they can.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($IsWindows) { return 'the loopback sshd fixture runs on Linux and macOS only ' }
    if ($PSVersionTable.PSVersion -lt [version]'7.3') { return "New-PSSession -Options needs PowerShell 7.3 or later; this is $($PSVersionTable.PSVersion)" }
    $tools = Get-SshFixtureTool
    if (-not [System.IO.File]::Exists($tools.sshd)) { return "no OpenSSH server at '$($tools.sshd)' (install openssh-server; the fixture never starts the system service)" }
    foreach ($name in 'ssh', 'ssh-keygen', 'ssh-keyscan') {
        if (-not $tools[$name]) { return "no '$name' on PATH (install the OpenSSH client)" }
    }
    $null
}

function Get-FreeLoopbackPort {
    [CmdletBinding()]
    [OutputType([int])]
    param()
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Assert-PlainPath {
    # sshd_config and the subsystem command line are split on white space; keep paths simple.
    param([string] $Path, [string] $What)
    if ($Path -match '[\s"''\\$`]') { throw "The SSH fixture cannot use $What '$Path': it contains white space, a quote, a backslash, '$' or '`'." }
}

function Invoke-SshFixtureTool {
    param([string] $FilePath, [string[]] $ArgumentList)
    $PSNativeCommandArgumentPassing = 'Standard'
    $output = & $FilePath @ArgumentList 2>&1
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed (exit $LASTEXITCODE): $($output -join [Environment]::NewLine)" }
    $output
}

function Start-SshFixture {
    <#
    .SYNOPSIS
    Starts a private sshd on 127.0.0.1 whose powershell subsystem is this pwsh; returns its settings.
    .PARAMETER Environment
    Extra variables for the remote pwsh (sshd SetEnv), for example RESYNCGLB_NODE.
    .PARAMETER ReadyTimeoutSec
    How long to wait for sshd to answer ssh-keyscan.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [hashtable] $Environment = @{},
        [ValidateRange(1, 120)] [int] $ReadyTimeoutSec = 20
    )
    $reason = Get-SshFixtureSkipReason
    if ($reason) { throw "SSH fixture unavailable: $reason" }
    $tools = Get-SshFixtureTool

    $root = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-ssh-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    $null = New-Item -ItemType Directory -Path $root
    $remoteHome = Join-Path $root 'home'
    $null = New-Item -ItemType Directory -Path $remoteHome
    $pwsh = Get-TestPwshPath
    foreach ($pair in @(@($root, 'the temp folder'), @($pwsh, 'the pwsh path'))) { Assert-PlainPath -Path $pair[0] -What $pair[1] }

    $fixture = [pscustomobject]@{
        Root       = $root
        Port       = 0
        UserName   = [Environment]::UserName
        HostKey    = Join-Path $root 'ssh_host_ed25519_key'
        KeyFile    = Join-Path $root 'client_ed25519'
        KnownHosts = Join-Path $root 'known_hosts'
        Config     = Join-Path $root 'sshd_config'
        PidFile    = Join-Path $root 'sshd.pid'
        LogFile    = Join-Path $root 'sshd.log'
        Process    = $null
        Pwsh       = $pwsh
    }
    try {
        $null = Invoke-SshFixtureTool -FilePath $tools['ssh-keygen'] -ArgumentList @('-q', '-t', 'ed25519', '-N', '', '-C', 'resyncglb-test-host', '-f', $fixture.HostKey)
        $null = Invoke-SshFixtureTool -FilePath $tools['ssh-keygen'] -ArgumentList @('-q', '-t', 'ed25519', '-N', '', '-C', 'resyncglb-test-client', '-f', $fixture.KeyFile)
        Copy-Item -LiteralPath "$($fixture.KeyFile).pub" -Destination (Join-Path $root 'authorized_keys')
        $hostPublic = ((Get-Content -Raw -LiteralPath "$($fixture.HostKey).pub").Trim() -split '\s+')[1]

        # Privilege separation folder for an sshd started as root (sshd refuses to start as root without it).
        if ($fixture.UserName -eq 'root' -and -not (Test-Path -LiteralPath '/run/sshd')) {
            $null = New-Item -ItemType Directory -Path '/run/sshd' -ErrorAction SilentlyContinue
        }

        $setEnv = [ordered]@{ HOME = $remoteHome; TERM = 'dumb' }
        foreach ($key in $Environment.Keys) {
            if ($key -notmatch '^[A-Za-z_][A-Za-z0-9_]*$') { throw "Invalid environment variable name '$key'." }
            Assert-PlainPath -Path ([string]$Environment[$key]) -What "the value of $key"
            $setEnv[$key] = [string]$Environment[$key]
        }
        $envLine = ($setEnv.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ' '

        # A free port can be taken between choosing and binding it: try a few.
        for ($attempt = 1; $attempt -le 3; $attempt++) {
            $fixture.Port = Get-FreeLoopbackPort
            @(
                "Port $($fixture.Port)"
                'ListenAddress 127.0.0.1'
                "HostKey $($fixture.HostKey)"
                "PidFile $($fixture.PidFile)"
                "AuthorizedKeysFile $(Join-Path $root 'authorized_keys')"
                'PubkeyAuthentication yes'
                'PasswordAuthentication no'
                'KbdInteractiveAuthentication no'
                'UsePAM no'
                'StrictModes no'
                'PermitRootLogin prohibit-password'
                "AllowUsers $($fixture.UserName)"
                'X11Forwarding no'
                'AllowTcpForwarding no'
                "SetEnv $envLine"
                "Subsystem powershell $pwsh -sshs -NoProfile"
            ) | Set-Content -LiteralPath $fixture.Config -Encoding ascii
            $null = Invoke-SshFixtureTool -FilePath $tools.sshd -ArgumentList @('-t', '-f', $fixture.Config)

            Remove-Item -LiteralPath $fixture.LogFile, $fixture.PidFile -ErrorAction SilentlyContinue
            $fixture.Process = Start-Process -FilePath $tools.sshd -ArgumentList @('-D', '-e', '-f', $fixture.Config) -RedirectStandardError $fixture.LogFile -RedirectStandardOutput (Join-Path $root 'sshd.out') -PassThru

            # Ready when ssh-keyscan gets our host key back; bounded by ReadyTimeoutSec.
            $deadline = [DateTime]::UtcNow.AddSeconds($ReadyTimeoutSec)
            $scanned = $null
            while (-not $scanned -and -not $fixture.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                $PSNativeCommandArgumentPassing = 'Standard'
                $lines = & $tools['ssh-keyscan'] -T 2 -t ed25519 -p $fixture.Port 127.0.0.1 2>$null
                $scanned = @($lines | Where-Object { $_ -match "^\[127\.0\.0\.1\]:$($fixture.Port)\s+ssh-ed25519\s+(\S+)" -and $Matches[1] -eq $hostPublic })
                if ($scanned.Count -eq 0) { $scanned = $null; Start-Sleep -Milliseconds 200 }
            }
            if ($scanned) {
                $scanned | Set-Content -LiteralPath $fixture.KnownHosts -Encoding ascii
                return $fixture
            }
            $log = if (Test-Path -LiteralPath $fixture.LogFile) { Get-Content -Raw -LiteralPath $fixture.LogFile } else { '' }
            Stop-SshFixtureProcess -Fixture $fixture
            if ($log -notmatch 'Address already in use' -or $attempt -eq 3) {
                throw "sshd on 127.0.0.1:$($fixture.Port) did not answer within $ReadyTimeoutSec s. Its log: $log"
            }
        }
    }
    catch {
        Stop-SshFixture -Fixture $fixture
        throw
    }
}

function Stop-SshFixtureProcess {
    param([Parameter(Mandatory)] $Fixture)
    $ids = [System.Collections.Generic.List[int]]::new()
    if (Test-Path -LiteralPath $Fixture.PidFile) {
        $text = (Get-Content -Raw -LiteralPath $Fixture.PidFile).Trim()
        if ($text -match '^\d+$') { $ids.Add([int]$text) }
    }
    if ($Fixture.Process -and -not $Fixture.Process.HasExited -and -not $ids.Contains($Fixture.Process.Id)) { $ids.Add($Fixture.Process.Id) }
    foreach ($id in $ids) {
        $p = Get-Process -Id $id -ErrorAction SilentlyContinue
        if ($p) {
            Stop-Process -Id $id -ErrorAction SilentlyContinue
            $null = $p.WaitForExit(10000)
        }
    }
}

function Stop-SshFixture {
    <#
    .SYNOPSIS
    Stops the fixture's sshd (by the PID in its pidfile) and removes its folder.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [AllowNull()] $Fixture)
    if ($null -eq $Fixture) { return }
    Stop-SshFixtureProcess -Fixture $Fixture
    if ($Fixture.Root -and (Test-Path -LiteralPath $Fixture.Root)) {
        Remove-Item -LiteralPath $Fixture.Root -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function New-SshFixtureSession {
    <#
    .SYNOPSIS
    Opens a PSSession over SSH to the fixture's sshd: key only, pre-seeded known_hosts, a connecting
    timeout, and one retry (PowerShell's own loopback tests retry too).
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.Runspaces.PSSession])]
    param(
        [Parameter(Mandatory)] $Fixture,
        [ValidateRange(1000, 120000)] [int] $ConnectingTimeoutMs = 15000
    )
    $parameters = @{
        HostName          = '127.0.0.1'
        Port              = $Fixture.Port
        UserName          = $Fixture.UserName
        KeyFilePath       = $Fixture.KeyFile
        Subsystem         = 'powershell'
        ConnectingTimeout = $ConnectingTimeoutMs
        Options           = @{
            UserKnownHostsFile    = $Fixture.KnownHosts
            GlobalKnownHostsFile  = '/dev/null'
            StrictHostKeyChecking = 'yes'
            IdentitiesOnly        = 'yes'
            BatchMode             = 'yes'
        }
        ErrorAction       = 'Stop'
    }
    try {
        New-PSSession @parameters
    }
    catch {
        Write-Warning "First SSH connection to 127.0.0.1:$($Fixture.Port) failed ($($_.Exception.Message)); retrying once."
        Start-Sleep -Milliseconds 500
        New-PSSession @parameters
    }
}

Export-ModuleMember -Function Get-SshFixtureSkipReason, Start-SshFixture, Stop-SshFixture, New-SshFixtureSession
