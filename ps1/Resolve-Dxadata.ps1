<#
.SYNOPSIS
    Finds the Dxadata folder of a DSS (where the DXA writes Resync.glb) and the free space there.

.DESCRIPTION
    The order is domain.md's: an explicit path; else the DXADataPath value of the service key
    (Q185504); else the Setup key's Services value (the install folder, Q147374) + \Dxadata; else
    the install folder above the BIN folder of the service's ImagePath (Q143380) + \Dxadata. An
    explicit path and DXADataPath are authoritative: when that folder is missing the answer is
    DxadataNotFound, not a guess. All key, value and folder names come from the request
    (src/shared/dss-contract.json).

    Three steps: read the registry values (on the DSS under Remoting, through the remote registry
    under Rpc), list the candidates (Get-DssDxadataCandidates, here), then check which exist and
    their free space (on the DSS under Remoting, over the administrative share under Rpc). Under
    Rpc the answer's path is the administrative share path (\\DSS01\C$\exchsrvr\Dxadata), the way
    this workstation reaches it; dssPath is the path on the DSS itself.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...", "explicitPath": null | "C:\...",
      "serviceKey": { "hive": "...", "subKey": "...", "psPath": "..." },
      "dxaDataPathValue": "DXADataPath", "imagePathValue": "ImagePath",
      "setupKey": { "hive": "...", "subKey": "...", "psPath": "..." }, "installPathValue": "Services",
      "dxadataFolder": "Dxadata", "binary": "BIN\\DXA.EXE" }

.OUTPUTS
    One line of JSON; data is { path, dssPath, source: Explicit|DXADataPath|Setup|ImagePath,
    freeBytes: number|null, tried: [{ path, source, exists }] }.

.EXAMPLE
    & .\Resolve-Dxadata.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"path":"C:\\exchsrvr\\Dxadata","source":"Setup",...}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation {
    param($request)
    $transport = [string]$request['transport']
    $computer = [string]$request['computerName']
    $explicit = [string]$request['explicitPath']
    $folder = Get-DssRequestField -Request $request -Name 'dxadataFolder'
    $binary = Get-DssRequestField -Request $request -Name 'binary'

    $dxaDataPath = $null
    $install = $null
    $image = $null
    if (-not $explicit) {
        $reads = @(
            @{ key = 'serviceKey'; name = (Get-DssRequestField -Request $request -Name 'dxaDataPathValue') },
            @{ key = 'setupKey'; name = (Get-DssRequestField -Request $request -Name 'installPathValue') },
            @{ key = 'serviceKey'; name = (Get-DssRequestField -Request $request -Name 'imagePathValue') })
        $values = @($null, $null, $null)
        if ($transport -eq 'Rpc') {
            for ($i = 0; $i -lt $reads.Length; $i++) {
                $k = $reads[$i].key
                $r = Get-DssRpcValue -ComputerName $computer -Hive (Get-DssRequestField -Request $request -Name ($k + '.hive')) `
                    -SubKey (Get-DssRequestField -Request $request -Name ($k + '.subKey')) -Name $reads[$i].name
                if ($r['present'] -and $r['value'] -is [string]) { $values[$i] = [string]$r['value'] }
            }
            # Read unexpanded over the remote registry: expand with the DSS's environment.
            if ($null -ne $request['environment']) {
                for ($i = 0; $i -lt $values.Length; $i++) {
                    $values[$i] = Expand-DssRemoteEnvironment -Text $values[$i] -ComputerName $computer -Environment $request['environment']
                }
            }
        } else {
            # PowerShell 2.0 only: under Remoting this runs on the DSS.
            $readCore = {
                param([string[]]$Paths, [string[]]$Names)
                $ErrorActionPreference = 'Stop'
                $out = @()
                for ($i = 0; $i -lt $Paths.Length; $i++) {
                    $v = $null
                    if (Test-Path -LiteralPath $Paths[$i]) {
                        $props = Get-ItemProperty -LiteralPath $Paths[$i]
                        if ($null -ne $props) {
                            $p = $props.PSObject.Properties[$Names[$i]]
                            if ($null -ne $p -and $p.Value -is [string]) { $v = [string]$p.Value }
                        }
                    }
                    $out += ,$v
                }
                return @{ ok = $true; data = @{ values = $out } }
            }
            $paths = @()
            $names = @()
            foreach ($r in $reads) {
                $paths += (Get-DssRequestField -Request $request -Name ($r.key + '.psPath'))
                $names += $r.name
            }
            $read = Invoke-DssCore -Request $request -Core $readCore -ArgumentList @([string[]]$paths, [string[]]$names)
            if (-not $read['ok']) { return $read }
            $got = @($read['data']['values'])
            for ($i = 0; $i -lt 3 -and $i -lt $got.Length; $i++) { if ($null -ne $got[$i]) { $values[$i] = [string]$got[$i] } }
        }
        $dxaDataPath = $values[0]
        $install = $values[1]
        $image = $values[2]
    }

    $candidates = Get-DssDxadataCandidates -Explicit $explicit -DxaDataPath $dxaDataPath -InstallPath $install -ImagePath $image -DxadataFolder $folder -Binary $binary
    if ($candidates.Length -eq 0) {
        return (New-DssFailure -Id 'DxadataNotFound' -Category 'ObjectNotFound' -Target $computer -Message ('Cannot tell where Dxadata is on ' + $computer + ': no DXADataPath value, no install folder under the Exchange setup key, and no usable ImagePath for the service. Give the path explicitly.'))
    }

    $probePaths = @()
    foreach ($c in $candidates) {
        if ($transport -eq 'Rpc') { $probePaths += (ConvertTo-DssAdminSharePath -Path $c.path -ComputerName $computer) } else { $probePaths += $c.path }
    }
    if ($transport -eq 'Rpc') {
        # The share first, with a call that throws: a denied, disabled or unreachable C$ is not
        # "Dxadata not found" (Test-Path answers $false for all of them).
        $checked = @{}
        foreach ($p in $probePaths) {
            $root = Get-DssShareRoot -Path $p
            if ($null -eq $root -or $checked.ContainsKey($root)) { continue }
            $checked[$root] = $true
            $shareFailure = Test-DssShareAccess -Path $p -ComputerName $computer
            if ($null -ne $shareFailure) { return $shareFailure }
        }
        $probes = @()
        foreach ($p in $probePaths) { $probes += ,@{ exists = (Test-Path -LiteralPath $p -PathType Container); freeBytes = $null } }
    } else {
        # PowerShell 2.0 only: under Remoting this runs on the DSS.
        $probeCore = {
            param([string[]]$Paths)
            $ErrorActionPreference = 'Stop'
            $out = @()
            foreach ($p in $Paths) {
                $exists = [System.IO.Directory]::Exists($p)
                $free = $null
                if ($exists) {
                    try {
                        $root = [System.IO.Path]::GetPathRoot($p)
                        if ($root -and -not $root.StartsWith('\\')) { $free = [long](New-Object System.IO.DriveInfo($root)).AvailableFreeSpace }
                    } catch { $free = $null }
                }
                $out += ,@{ exists = $exists; freeBytes = $free }
            }
            return @{ ok = $true; data = @{ probes = $out } }
        }
        $probe = Invoke-DssCore -Request $request -Core $probeCore -ArgumentList @(,[string[]]$probePaths)
        if (-not $probe['ok']) { return $probe }
        $probes = @($probe['data']['probes'])
    }

    $tried = @()
    for ($i = 0; $i -lt $candidates.Length; $i++) {
        $c = $candidates[$i]
        $exists = [bool]$probes[$i]['exists']
        $tried += ,@{ path = $c.path; source = $c.source; exists = $exists }
        if ($exists) {
            $free = $probes[$i]['freeBytes']
            if ($transport -eq 'Rpc') { $free = Get-DssUncFreeBytes -Path $probePaths[$i] }
            return @{ ok = $true; data = @{ path = $probePaths[$i]; dssPath = $c.path; source = $c.source; freeBytes = $free; tried = $tried } }
        }
        if ($c.authoritative) { break }
    }
    $list = @()
    foreach ($t in $tried) { $list += ($t.path + ' (' + $t.source + ')') }
    return (New-DssFailure -Id 'DxadataNotFound' -Category 'ObjectNotFound' -Target ([string]$tried[0].path) -Message ('Dxadata does not exist on ' + $computer + ' as a folder at ' + [string]::Join(', ', [string[]]$list) + '.'))
}
