<#
.SYNOPSIS
    TEST ONLY. Starts the loopback sshd of SshFixture.psm1 for a test that is not Pester (vitest) and
    prints its settings as one JSON line; the sshd keeps running after this pwsh exits, until the
    caller stops it by the PID in PidFile and removes Root.
.PARAMETER RequestBase64
    Base64 of UTF-8 JSON: { "environment": { NAME: value } } (sshd SetEnv for the remote pwsh).
#>
param([Parameter(Mandatory = $true)][string]$RequestBase64)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'SshFixture.psm1')
$request = ConvertFrom-Json -InputObject ([System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($RequestBase64))) -AsHashtable -DateKind String
$reason = Get-SshFixtureSkipReason
if ($reason) { [Console]::Out.WriteLine((ConvertTo-Json -Compress -InputObject @{ skip = $reason })); return }
$environment = @{}
if ($request.environment) { $environment = $request.environment }
$f = Start-SshFixture -Environment $environment
$out = @{ root = $f.Root; port = $f.Port; userName = $f.UserName; keyFile = $f.KeyFile; knownHosts = $f.KnownHosts; pidFile = $f.PidFile; logFile = $f.LogFile }
[Console]::Out.WriteLine((ConvertTo-Json -Compress -InputObject $out))
