function Test-ResyncLabFolder {
    <#
    .SYNOPSIS
    Says why a folder is not a lab DSS, or returns $null when it is one.
    .DESCRIPTION
    A lab is what 'resync-glb lab init' makes (docs/ARCHITECTURE.md, "The lab DSS on disk"): lab.json
    whose kind is ResyncGlb.Lab, the registry store registry.json, the install tree exchsrvr and the
    postoffices folder. All four are required, so that Remove-ResyncLab never deletes a folder that
    merely holds a stray lab.json. Reads only; changes nothing.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # A file-system path (Resolve-ResyncPath).
        [Parameter(Mandatory = $true)] [string] $Path
    )
    if ([System.IO.File]::Exists($Path)) { return 'it is a file, not a folder' }
    if (-not [System.IO.Directory]::Exists($Path)) { return 'it does not exist' }
    $config = [System.IO.Path]::Combine($Path, 'lab.json')
    if (-not [System.IO.File]::Exists($config)) { return 'it has no lab.json' }
    try {
        $data = ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($config))
    }
    catch {
        return "its lab.json is not valid JSON ($($_.Exception.Message))"
    }
    if ([string](Get-ResyncProperty $data 'kind') -ne 'ResyncGlb.Lab') { return "its lab.json is not a lab's (no kind 'ResyncGlb.Lab')" }
    if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($Path, 'registry.json'))) { return 'it has no registry.json (the lab registry store)' }
    foreach ($folder in @('exchsrvr', 'postoffices')) {
        if (-not [System.IO.Directory]::Exists([System.IO.Path]::Combine($Path, $folder))) { return "it has no $folder folder" }
    }
    $null
}
