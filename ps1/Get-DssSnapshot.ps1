<#
.SYNOPSIS
    One cheap look at everything the wait for Resync.glb depends on: the Dxadata listing, the
    ResyncConnectionRDNs value and the MSExchangeDX status. Used to poll a remote DSS.

.DESCRIPTION
    A remote DSS cannot send file-system events to this workstation, so ResyncGlb's watch polls
    this script and wakes the waiting code whenever the answer changes. Names of the key, value
    and service come from the request (src/shared/dss-contract.json). The listing covers
    file names, lengths and UTC tick time stamps only; nothing is opened.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...", "dxadata": "C:\\exchsrvr\\Dxadata",
      "key": { "hive": "...", "subKey": "...", "psPath": "..." }, "value": { "name": "..." },
      "service": { "name": "..." } }

.OUTPUTS
    One line of JSON; data is { files: [{ name, length, lastWriteTicks }], value: [...]|null,
    status: "Running"|...|null }.

.EXAMPLE
    & .\Get-DssSnapshot.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"files":[...],"value":["PO1"],"status":"Running"}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation {
    param($request)
    $transport = [string]$request['transport']
    $dir = Get-DssRequestField -Request $request -Name 'dxadata'
    $valueName = Get-DssRequestField -Request $request -Name 'value.name'
    $serviceName = Get-DssRequestField -Request $request -Name 'service.name'

    # PowerShell 2.0 only: under Remoting this runs on the DSS. Empty KeyPath/ServiceName skip those parts.
    $core = {
        param([string]$Dir, [string]$KeyPath, [string]$ValueName, [string]$ServiceName)
        $ErrorActionPreference = 'Stop'
        $inv = [System.Globalization.CultureInfo]::InvariantCulture
        $files = @()
        if ([System.IO.Directory]::Exists($Dir)) {
            foreach ($f in [System.IO.Directory]::GetFiles($Dir)) {
                $fi = New-Object System.IO.FileInfo($f)
                $files += ,@{ name = $fi.Name; length = $fi.Length; lastWriteTicks = $fi.LastWriteTimeUtc.Ticks.ToString($inv) }
            }
        }
        $value = $null
        if ($KeyPath -and (Test-Path -LiteralPath $KeyPath)) {
            $props = Get-ItemProperty -LiteralPath $KeyPath
            if ($null -ne $props) {
                $p = $props.PSObject.Properties[$ValueName]
                if ($null -ne $p) { $value = @($p.Value) }
            }
        }
        $status = $null
        if ($ServiceName) {
            $svc = @(Get-Service -Name $ServiceName -ErrorAction SilentlyContinue)
            if ($svc.Count -gt 0) { $status = [string]$svc[0].Status }
        }
        return @{ ok = $true; data = @{ files = $files; value = $value; status = $status } }
    }

    if ($transport -eq 'Rpc') {
        $computer = Get-DssRequestField -Request $request -Name 'computerName'
        $share = ConvertTo-DssAdminSharePath -Path $dir -ComputerName $computer
        $result = & $core $share '' $valueName ''
        $v = Get-DssRpcValue -ComputerName $computer -Hive (Get-DssRequestField -Request $request -Name 'key.hive') `
            -SubKey (Get-DssRequestField -Request $request -Name 'key.subKey') -Name $valueName
        if ($v['present']) { $result['data']['value'] = @($v['value']) }
        $sc = Get-DssSessionServiceController -Name $serviceName -ComputerName $computer
        if ($null -ne $sc) { $result['data']['status'] = [string]$sc.Status }
        return $result
    }
    return (Invoke-DssCore -Request $request -Core $core -ArgumentList @($dir, (Get-DssRequestField -Request $request -Name 'key.psPath'), $valueName, $serviceName))
}
