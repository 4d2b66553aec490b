function Start-ResyncLab {
    <#
    .SYNOPSIS
    Starts the lab MSExchangeDX service of lab DSSs (their DXA process) and waits until it runs.

    .DESCRIPTION
    Wraps 'resync-glb lab start'. The lab DXA is a real separate process: on start it writes
    Resync.glb for the requestors named in ResyncConnectionRDNs that it recognises, then removes the
    value (KB Q150976); this returns once it has looked at the value. A lab already running is left
    as it is. New-ResyncLab starts its lab already; this is for a lab stopped with Stop-ResyncLab.

    Errors, non-terminating (the next path is started): ResyncGlb.LabNotFound (not a lab), and the
    engine's own, e.g. ResyncGlb.ServiceNotFound (a lab without a service), or a start that fails
    or times out (a lab with 'resync-glb lab fault --fail-start').

    .PARAMETER Path
    The lab folders, taken literally (no wildcards). Binds by property name from New-ResyncLab and
    Get-ResyncLab output (Path), and from Get-Item / Get-ChildItem output (FullName).

    .PARAMETER TimeoutSec
    How long to wait for the service to run. Default 60.

    .PARAMETER PassThru
    Return the lab's state (ResyncGlb.LabStatus, as Get-ResyncLab) once it runs. By default nothing is returned.

    .EXAMPLE
    Start-ResyncLab -Path .\lab -PassThru

    Starts the lab's DXA and shows its state: ServiceStatus Running and the DXA's process id.

    .EXAMPLE
    Get-ResyncLab .\lab1, .\lab2 | Where-Object ServiceStatus -eq 'Stopped' | Start-ResyncLab

    Starts the DXA of those labs that are stopped.

    .INPUTS
    System.String, and any object with a Path, LabPath or FullName property.

    .OUTPUTS
    None by default. ResyncGlb.LabStatus with -PassThru.

    .LINK
    Stop-ResyncLab

    .LINK
    Get-ResyncLab

    .LINK
    about_ResyncGlb
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType('ResyncGlb.LabStatus')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('LabPath', 'FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [ValidateRange(1, 86400)]
        [int] $TimeoutSec = 60,

        [switch] $PassThru
    )

    process {
        foreach ($item in $Path) {
            $resolved = Resolve-ResyncLabFolder -Cmdlet $PSCmdlet -Path $item
            if (-not $resolved) { continue }
            if (-not $PSCmdlet.ShouldProcess($resolved, 'Start the lab MSExchangeDX service (its DXA)')) { continue }
            Invoke-ResyncLabService -Cmdlet $PSCmdlet -Path $resolved -Command 'start' -TimeoutSec $TimeoutSec -PassThru:$PassThru
        }
    }
}
