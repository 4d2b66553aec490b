<#
.SYNOPSIS
    Reports whether a file exists on the DSS, its length and its last write time (UTC).

.DESCRIPTION
    The Stat action of the file core (Get-DssFileCore in ps1/common/Files.ps1, PowerShell 2.0 code): run here
    for Local, on the DSS under Remoting, here on the administrative share path under Rpc.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...", "path": "C:\\exchsrvr\\Dxadata\\Resync.glb" }

.EXAMPLE
    & .\Get-DssFileInfo.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"exists":true,"length":5120,"lastWriteTimeUtc":"2026-01-05T10:00:00.000Z","lastWriteTicks":"639032976000000000"}}.

.OUTPUTS
    One line of JSON; data is { exists: false } or { exists: true, length, lastWriteTimeUtc, lastWriteTicks }.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation { param($request) Invoke-DssFileAction -Request $request -Action Stat }
