function Resolve-ResyncLabFolder {
    <#
    .SYNOPSIS
    Resolves a path the lab cmdlets were given and checks that it is a lab DSS.
    .DESCRIPTION
    Returns the resolved path, or writes a non-terminating ResyncGlb.LabNotFound error (saying why, then
    $Consequence) through the calling cmdlet and returns $null, so a pipeline goes on with its next path.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $Path,
        # What the admin reads after why it is not a lab.
        [string] $Consequence = 'Create one with New-ResyncLab.'
    )
    $resolved = Resolve-ResyncPath -Cmdlet $Cmdlet -Path $Path
    $problem = Test-ResyncLabFolder -Path $resolved
    if (-not $problem) { return $resolved }
    $Cmdlet.WriteError((New-ResyncErrorRecord -Id 'LabNotFound' -Category 'ObjectNotFound' -Target $resolved `
                -Message "'$resolved' is not a lab DSS: $problem. $Consequence"))
    return $null
}
