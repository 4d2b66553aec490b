function New-ResyncLab {
    <#
    .SYNOPSIS
    Creates a lab DSS: a simulated Exchange directory synchronization server with MS Mail requestor postoffices.

    .DESCRIPTION
    Wraps 'resync-glb lab init'. The lab holds a registry store with the MSExchangeDX service key and
    the Exchange setup key, an Exchange install tree with Dxadata, Remote Dirsync Requestor objects
    (display name, common name and RDN), one MS Mail postoffice tree with a GLB folder per
    requestor, and a generated recipient list. Its DXA is a real separate process that behaves as
    KB Q150976 describes: on start it writes Resync.glb for the requestors it recognises and removes
    ResyncConnectionRDNs. The lab's service is started, so New-ResyncGlb can run against it at once.

    .PARAMETER Path
    The folder for the lab. It must not exist or be empty, unless -Force re-creates an existing lab.

    .PARAMETER Requestor
    Display names of the requestors to create. Default: two requestors.

    .PARAMETER Recipients
    How many recipients the lab's directory holds, spread over the postoffices. Default 200.

    .PARAMETER ComputerName
    The lab DSS's computer name as it appears in results. Default LABDSS.

    .PARAMETER StartMs
    How long the lab DXA takes to start, in milliseconds.

    .PARAMETER Force
    Re-create an existing lab at -Path, and do not ask for confirmation.

    .EXAMPLE
    New-ResyncLab -Path .\lab -Requestor PO1, PO2

    Creates a lab with two requestor postoffices and starts its DXA.

    .EXAMPLE
    New-ResyncLab -Path $env:TEMP\biglab -Recipients 100000 -StartMs 200 -Force

    Creates (or re-creates) a lab with 100,000 recipients and a quick-starting DXA.

    .OUTPUTS
    ResyncGlb.Lab. Path, ComputerName, Requestors, Recipients, Dxadata, ServiceStatus.

    .LINK
    New-ResyncGlb

    .LINK
    about_ResyncGlb
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType('ResyncGlb.Lab')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('LabPath')]
        [string] $Path,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string[]] $Requestor,

        [ValidateRange(1, 10000000)]
        [int] $Recipients = 200,

        [string] $ComputerName,

        [ValidateRange(0, 600000)]
        [int] $StartMs,

        [switch] $Force
    )

    process {
        $resolved = Resolve-ResyncPath -Cmdlet $PSCmdlet -Path $Path
        if (-not $PSCmdlet.ShouldProcess($resolved, 'Create a lab DSS and start its DXA')) { return }
        $parameters = @{ path = $resolved; recipients = $Recipients; force = [bool]$Force; start = $true }
        if ($Requestor) { $parameters.requestor = [string[]]$Requestor }
        if ($ComputerName) { $parameters.computerName = $ComputerName }
        if ($PSBoundParameters.ContainsKey('StartMs')) { $parameters.startMs = $StartMs }
        Invoke-ResyncBundle -Cmdlet $PSCmdlet -Command 'lab-init' -Parameters $parameters
    }
}
