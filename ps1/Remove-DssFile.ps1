<#
.SYNOPSIS
    Deletes a file on the DSS only if it is still exactly what the caller copied (length, time stamp
    and SHA-256).

.DESCRIPTION
    The Remove action of the file core (Get-DssFileCore in ps1/common/Files.ps1): the file is opened
    exclusively and deleted only when its length, time stamp and SHA-256 are still those the
    caller copied.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...", "path": "...", "length": 1234, "lastWriteTicks": "639...", "sha256": "ABC..." }

.EXAMPLE
    & .\Remove-DssFile.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"removed":true}}, or SourceChanged with the file left in place.

.OUTPUTS
    One line of JSON; data is { removed: true }; SourceChanged (file left in place) when anything differs,
    FileInUse when another process holds it open.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation { param($request) Invoke-DssFileAction -Request $request -Action Remove }
