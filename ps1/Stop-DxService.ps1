<#
.SYNOPSIS
    Stops the MSExchangeDX service of a DSS and waits, up to timeoutMs, until it is stopped.

.DESCRIPTION
    The Stop action of the service core (Get-DssServiceCore in ps1/common/Service.ps1): the
    controller's Stop(), then WaitForStatus with a TimeSpan, because Stop-Service waits without a
    time limit in PowerShell 2.0 to 5.1. Dependent services are reported and never stopped. The service name comes from the request (src/shared/dss-contract.json: MSExchangeDX, Q143380,
    Q160572).

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON, timeoutMs how long to wait for Stopped:
    { "transport": "Local|Remoting|Rpc", "computerName": "...", "service": { "name": "..." }, "timeoutMs": 120000 }

.EXAMPLE
    & .\Stop-DxService.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"exists":true,"name":"MSExchangeDX","status":"Stopped",...}}.

.OUTPUTS
    One line of JSON; data is the service as Get-DxService.ps1 reports it, once Stopped; errors ServiceNotFound,
    ServiceStopTimeout, or OperationFailed when dependent services are running (they are never
    stopped by ResyncGlb).
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation { param($request) Get-DssServiceResult -Request $request -Action Stop }
