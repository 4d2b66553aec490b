# ResyncGlb root module: loads the private helpers and the public cmdlets (one per file),
# then checks that Node.js is there to run the bundled engine (bin/resync-glb.cjs).
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot
$script:BundlePath = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'resync-glb.cjs')
$script:MinimumNodeMajor = 20
# The protocol version this module speaks (docs/PROTOCOL.md): sent in every request, required in the engine's hello.
$script:ProtocolVersion = 1

foreach ($folder in @('Private', 'Public')) {
    $dir = [System.IO.Path]::Combine($PSScriptRoot, $folder)
    foreach ($file in [System.IO.Directory]::GetFiles($dir, '*.ps1')) {
        . $file
    }
}

# Fails the import with a message saying what to install (docs/INSTALL.md).
$script:NodePath = Get-ResyncNodePath

Register-ArgumentCompleter -CommandName 'New-ResyncGlb' -ParameterName 'Requestor' -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    Get-ResyncRequestorCompletion -WordToComplete $wordToComplete -FakeBoundParameters $fakeBoundParameters
}

Export-ModuleMember -Function @('Copy-ResyncToRequestor', 'Get-ResyncGlb', 'Get-ResyncRequestor', 'New-ResyncGlb', 'New-ResyncLab', 'Test-ResyncGlb')
