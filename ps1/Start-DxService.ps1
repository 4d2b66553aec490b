<#
.SYNOPSIS
    Starts the MSExchangeDX service of a DSS and waits, up to timeoutMs, until it is running.

.DESCRIPTION
    The Start action of the service core (Get-DssServiceCore in ps1/common/Service.ps1): waits out a
    stop in progress, calls the controller's Start() and polls WaitForStatus in short slices, because
    Start-Service waits without a time limit in PowerShell 2.0 to 5.1. The service name comes from the request (src/shared/dss-contract.json: MSExchangeDX, Q143380,
    Q160572).

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "Local|Remoting|Rpc", "computerName": "...", "service": { "name": "..." },
      "timeoutMs": 120000 }

.EXAMPLE
    & .\Start-DxService.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"exists":true,"name":"MSExchangeDX","status":"Running",...}}.

.OUTPUTS
    One line of JSON; data is the service as Get-DxService.ps1 reports it, once Running; errors ServiceNotFound or
    ServiceStartFailed (it stopped while starting, or did not reach Running in time).
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation { param($request) Get-DssServiceResult -Request $request -Action Start }
