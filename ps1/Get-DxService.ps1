<#
.SYNOPSIS
    Reports the MSExchangeDX service of a DSS: whether it exists, its display name, status and dependent services.

.DESCRIPTION
    The Get action of the service core (Get-DssServiceCore in ps1/common/Service.ps1, PowerShell 2.0
    code): Get-Service here for Local and on the DSS under Remoting; under Rpc the session's
    ServiceController for the remote computer. The service name comes from the request (src/shared/dss-contract.json: MSExchangeDX, Q143380,
    Q160572).

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "Local|Remoting|Rpc", "computerName": "...", "service": { "name": "..." } }

.EXAMPLE
    & .\Get-DxService.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"exists":true,"name":"MSExchangeDX","status":"Running",...}}.

.OUTPUTS
    One line of JSON; data is { exists } or { exists, name, displayName, status, dependentServices: [{ name,
    status }] }.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation { param($request) Get-DssServiceResult -Request $request -Action Get }
