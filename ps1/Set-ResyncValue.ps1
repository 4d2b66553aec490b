<#
.SYNOPSIS
    Writes ResyncConnectionRDNs as REG_MULTI_SZ under the MSExchangeDX service key of a DSS,
    one requestor name per string; writes nothing when the value already matches.

.DESCRIPTION
    Called by ResyncGlb's Windows operations with one argument, base64 of a UTF-8 JSON request; key,
    value and type names come from the request (src/shared/dss-contract.json). As in
    Carbon.Registry's Set-CRegistryKeyValue:
      * a missing value is created with New-ItemProperty -PropertyType MultiString;
      * an existing REG_MULTI_SZ value is updated with Set-ItemProperty (which keeps its kind);
      * a value of another kind is removed and created again as REG_MULTI_SZ;
      * a value that already holds exactly these strings, in this order, is not written.
    A missing service key means the service does not exist: ServiceNotFound, nothing written.
    On the next start the DXA writes Resync.glb and removes the value itself (Q150976).
    Over the Rpc transport the same rules apply through the remote registry
    (RegistryKey.SetValue with RegistryValueKind.MultiString).

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...",
      "key": { "hive": "...", "subKey": "...", "psPath": "..." },
      "value": { "name": "...", "psPropertyType": "MultiString", "dotnetKind": "MultiString" },
      "names": [ "PO1", "PO2" ] }

.OUTPUTS
    One line of JSON; data is { action: Created|Updated|Replaced|None, previous: [...]|null }.

.EXAMPLE
    & .\Set-ResyncValue.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"action":"Created","previous":null}} the first time, "None" after.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation {
    param($request)
    $valueName = Get-DssRequestField -Request $request -Name 'value.name'
    $names = [string[]](Get-DssRequestField -Request $request -Name 'names')
    if ($names.Count -eq 0) { throw (New-DssException -Id 'InvalidRequestor' -Message 'No requestor names to write; an empty REG_MULTI_SZ is never written.') }
    foreach ($n in $names) {
        if ($null -eq $n -or $n.Length -eq 0) { throw (New-DssException -Id 'InvalidRequestor' -Message 'An empty requestor name would end the REG_MULTI_SZ list early; nothing was written.') }
    }
    return (Set-DssServiceValue -Request $request -ValueName $valueName -PropertyType (Get-DssRequestField -Request $request -Name 'value.psPropertyType') `
        -Kind (Get-DssRequestField -Request $request -Name 'value.dotnetKind') -Value $names -WithPrevious)
}
