function Get-ResyncCommandEngine {
    <#
    .SYNOPSIS
    The engine a cmdlet runs (Resolve-ResyncEngine), said once per cmdlet in -Verbose.
    .DESCRIPTION
    No engine is a terminating error of the calling cmdlet, with Resolve-ResyncEngine's id and remedy.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    try {
        $engine = Resolve-ResyncEngine
    }
    catch {
        $Cmdlet.ThrowTerminatingError($_)
    }
    $announced = $null
    if ($null -ne $script:EngineAnnouncedTo) { $announced = $script:EngineAnnouncedTo.Target }
    if (-not [object]::ReferenceEquals($announced, $Cmdlet)) {
        $Cmdlet.WriteVerbose("Engine: $($engine.Description)")
        # Weak: the module must not keep a finished command (and its pipeline) alive.
        $script:EngineAnnouncedTo = [System.WeakReference]::new($Cmdlet)
    }
    $engine
}
