<#
.SYNOPSIS
    Starts the MSExchangeDX service of a DSS and waits, up to timeoutMs, until it is running.

.DESCRIPTION
    Called by ResyncGlb's Windows operations with one argument, base64 of a UTF-8 JSON request; the
    service name comes from the request (src/shared/dss-contract.json: MSExchangeDX, Q143380,
    Q160572). Local and Remoting get the service with Get-Service (on the DSS under Remoting); Rpc
    uses a System.ServiceProcess.ServiceController for the remote computer. Stopping and starting
    use the controller's Stop()/Start() and WaitForStatus with a TimeSpan, because Stop-Service and
    Start-Service wait without a time limit in PowerShell 2.0 to 5.1 (see Get-DssServiceCore in
    _Common.ps1). The shared core is PowerShell 2.0 code.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "Local|Remoting|Rpc", "computerName": "...", "service": { "name": "..." },
      "timeoutMs": 120000 }

.OUTPUTS
    One line of JSON; data is the service as Get-DxService.ps1 reports it, once Running; errors ServiceNotFound or
    ServiceStartFailed (it stopped while starting, or did not reach Running in time).

.EXAMPLE
    & .\Start-DxService.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"exists":true,"name":"MSExchangeDX","status":"Running",...}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
Set-StrictMode -Version 2
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
try {
    . (Join-Path $here '_Common.ps1')
    $request = ConvertFrom-DssRequest -RequestBase64 $RequestBase64
    Write-DssResult -Result (Get-DssServiceResult -Request $request -Action Start)
} catch {
    if (Get-Command -Name Resolve-DssFailure -ErrorAction SilentlyContinue) {
        Write-DssResult -Result (Resolve-DssFailure -ErrorRecord $_ -Phase Run)
    } else {
        Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'
    }
}
