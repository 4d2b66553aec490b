function Stop-ResyncLab {
    <#
    .SYNOPSIS
    Stops the lab MSExchangeDX service of lab DSSs and waits until their DXA process has ended.

    .DESCRIPTION
    Wraps 'resync-glb lab stop'. The request goes through the lab's control file, as the lab
    operations send it; the service is Stopped once the DXA process is gone. A lab already stopped
    is left as it is. The lab folder is kept: Start-ResyncLab starts it again, Remove-ResyncLab
    deletes it.

    Errors, non-terminating (the next path is stopped): ResyncGlb.LabNotFound (not a lab), and the
    engine's own, e.g. ResyncGlb.ServiceStopTimeout when the DXA does not stop within -TimeoutSec
    (a hung service, KB Q176566; in the lab, 'resync-glb lab fault --hang-on-stop'). The DXA is then
    still running: clear the fault ('resync-glb lab fault <lab> --clear') and stop it again, or end
    its process (the error names its pid).

    .PARAMETER Path
    The lab folders, taken literally (no wildcards). Binds by property name from New-ResyncLab and
    Get-ResyncLab output (Path), and from Get-Item / Get-ChildItem output (FullName).

    .PARAMETER TimeoutSec
    How long to wait for the DXA to stop. Default 60.

    .PARAMETER PassThru
    Return the lab's state (ResyncGlb.LabStatus, as Get-ResyncLab) once it has stopped. By default nothing is returned.

    .EXAMPLE
    New-ResyncLab -Path .\lab -Requestor PO1, PO2 | Stop-ResyncLab

    Creates a lab (New-ResyncLab starts its DXA) and stops its DXA again.

    .EXAMPLE
    Stop-ResyncLab -Path .\lab -TimeoutSec 10 -PassThru

    Stops the lab's DXA, waiting at most 10 seconds, and shows its state: ServiceStatus Stopped, no Pid.

    .INPUTS
    System.String, and any object with a Path, LabPath or FullName property.

    .OUTPUTS
    None by default. ResyncGlb.LabStatus with -PassThru.

    .LINK
    Start-ResyncLab

    .LINK
    Remove-ResyncLab

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
            if (-not $PSCmdlet.ShouldProcess($resolved, 'Stop the lab MSExchangeDX service (its DXA)')) { continue }
            Invoke-ResyncLabService -Cmdlet $PSCmdlet -Path $resolved -Command 'stop' -TimeoutSec $TimeoutSec -PassThru:$PassThru
        }
    }
}
