function Resolve-ResyncPath {
    <#
    .SYNOPSIS
    Turns a path as the user typed it (relative to the current PowerShell location, or a PSDrive)
    into a file-system path for the engine, which runs in another process.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [AllowEmptyString()] [AllowNull()] [string] $Path
    )
    if ([string]::IsNullOrEmpty($Path)) { return $null }
    $Cmdlet.GetUnresolvedProviderPathFromPSPath($Path)
}
