<#
.SYNOPSIS
    Reports whether a file exists on the DSS, its length and its last write time (UTC).

.DESCRIPTION
    Called by ResyncGlb's Windows operations with one argument, base64 of a UTF-8 JSON request.
    Runs the file core of _Common.ps1 (Get-DssFileCore, PowerShell 2.0 code) here for Local, on
    the DSS for Remoting, and here on the administrative share path for Rpc.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...", "path": "C:\\exchsrvr\\Dxadata\\Resync.glb" }

.OUTPUTS
    One line of JSON; data is { exists: false } or { exists: true, length, lastWriteTimeUtc, lastWriteTicks }.

.EXAMPLE
    & .\Get-DssFileInfo.ps1 -RequestBase64 $b64
    Prints one envelope line, {"ok":true,"data":{...}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
try {
    . (Join-Path $here '_Common.ps1')
    $request = ConvertFrom-DssRequest -RequestBase64 $RequestBase64
    Write-DssResult -Result (Invoke-DssFileAction -Request $request -Action Stat)
} catch {
    if (Get-Command -Name Resolve-DssFailure -ErrorAction SilentlyContinue) {
        Write-DssResult -Result (Resolve-DssFailure -ErrorRecord $_ -Phase Run)
    } else {
        Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'
    }
}
