<#
.SYNOPSIS
    Closes what Initialize-DssSession.ps1 opened in this process: the PSSession, the connection to
    the administrative share, and the state variable.

.DESCRIPTION
    Called by ResyncGlb's Windows operations when a run ends (dispose), before the PowerShell child
    process is stopped. Never fails: what cannot be closed is closed anyway when the process ends.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON: {} (no fields are read).

.OUTPUTS
    One line of JSON; data is { closed: true|false } (false when nothing was open).

.EXAMPLE
    & .\Close-DssSession.ps1 -RequestBase64 'e30='
    Prints {"ok":true,"data":{"closed":false}} when nothing was open.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
try {
    . (Join-Path $here '_Common.ps1')
    $null = ConvertFrom-DssRequest -RequestBase64 $RequestBase64
    $closed = $false
    $old = Get-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
    if ($null -ne $old -and $old.Value -is [hashtable]) {
        $closed = $true
        Close-DssSessionServiceControllers -State $old.Value
        if ($null -ne $old.Value['Session']) { try { Remove-PSSession -Session $old.Value['Session'] -ErrorAction SilentlyContinue } catch { } }
        if ($old.Value['Drive']) { try { Remove-PSDrive -Name $old.Value['Drive'] -Scope Global -Force -ErrorAction SilentlyContinue } catch { } }
        Remove-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
    }
    Write-DssResult -Result @{ ok = $true; data = @{ closed = $closed } }
} catch {
    if (Get-Command -Name Resolve-DssFailure -ErrorAction SilentlyContinue) {
        Write-DssResult -Result (Resolve-DssFailure -ErrorRecord $_ -Phase Run)
    } else {
        Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'
    }
}
