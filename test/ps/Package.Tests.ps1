#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# `npm run package` output installed the way an admin would, then used by name from PSModulePath.
# With PSResourceGet (Save-PSResource) the nupkg goes through a temporary local repository; without
# it (this pwsh has neither PSResourceGet nor PowerShellGet) the nupkg is unpacked as Install-Module
# lays it out: <Modules>/ResyncGlb/<version>/ without the NuGet parts. Nothing is installed into the
# real user's or machine's module folders.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $root = Get-TestRoot
    $manifestPath = Join-Path $root 'dist/ResyncGlb/ResyncGlb.psd1'
    $manifestData = Import-PowerShellDataFile -LiteralPath $manifestPath
    $version = [string]$manifestData.ModuleVersion
    $exported = @($manifestData.FunctionsToExport | Sort-Object)
    $originalModulePath = $env:PSModulePath
    $pwsh = Get-TestPwshPath

    $work = Join-Path ([System.IO.Path]::GetTempPath()) ('resync-pkg-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $out = Join-Path $work 'dist'
    # Run as `npm run package` runs it: TypeScript through ts-node, without type checking at run time.
    $tsNode = Join-Path $root 'node_modules/ts-node/register/transpile-only.js'
    $packOutput = & node --require $tsNode (Join-Path $root 'scripts/package.ts') --out $out 2>&1
    if ($LASTEXITCODE -ne 0) { throw "scripts/package.ts failed (exit $LASTEXITCODE): $($packOutput -join [Environment]::NewLine)" }
    $nupkg = Join-Path $out "ResyncGlb.$version.nupkg"
    $zipFile = Join-Path $out "ResyncGlb-$version.zip"

    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem

    function Expand-NupkgAsInstalled {
        # What Install-Module/Install-PSResource leave on disk: the package's files, names unescaped,
        # under <Modules>/<Id>/<Version>/, without the nuspec and the OPC parts.
        param([string] $Package, [string] $Destination)
        $null = New-Item -ItemType Directory -Path $Destination -Force
        $base = [System.IO.Path]::GetFullPath($Destination) + [System.IO.Path]::DirectorySeparatorChar
        $archive = [System.IO.Compression.ZipFile]::OpenRead($Package)
        try {
            foreach ($entry in $archive.Entries) {
                $name = [Uri]::UnescapeDataString($entry.FullName)
                if ($name -match '^(_rels/|package/|\[Content_Types\]\.xml$|[^/]+\.nuspec$)') { continue }
                $target = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($Destination, $name))
                if (-not $target.StartsWith($base, [System.StringComparison]::Ordinal)) { throw "entry '$name' points outside the module folder" }
                $null = New-Item -ItemType Directory -Path ([System.IO.Path]::GetDirectoryName($target)) -Force
                [System.IO.Compression.ZipFileExtensions]::ExtractToFile($entry, $target, $false)
            }
        }
        finally {
            $archive.Dispose()
        }
    }

    function Use-ModulePath {
        param([string] $Folder)
        $env:PSModulePath = $Folder + [System.IO.Path]::PathSeparator + $originalModulePath
        Remove-Module ResyncGlb -Force -ErrorAction SilentlyContinue
    }
}

AfterAll {
    $env:PSModulePath = $originalModulePath
    Remove-Module ResyncGlb -Force -ErrorAction SilentlyContinue
    if ($work) { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'npm run package: the nupkg' -Tag 'Package' {
    BeforeAll {
        $modules = Join-Path $work 'Modules'
        $installed = Join-Path $modules "ResyncGlb/$version"
        $how = 'unpacked as Install-Module lays it out (no PSResourceGet in this pwsh)'
        if (Get-Command Save-PSResource -ErrorAction SilentlyContinue) {
            # The same unpacking code as Install-PSResource, into a folder of ours instead of the user's.
            $repo = 'ResyncGlbTest' + [guid]::NewGuid().ToString('N').Substring(0, 6)
            Register-PSResourceRepository -Name $repo -Uri $out -Trusted
            try {
                $null = New-Item -ItemType Directory -Path $modules -Force
                Save-PSResource -Name ResyncGlb -Version $version -Repository $repo -Path $modules -TrustRepository -ErrorAction Stop
            }
            finally {
                Unregister-PSResourceRepository -Name $repo
            }
            $how = 'Save-PSResource from a temporary local repository'
        }
        else {
            Expand-NupkgAsInstalled -Package $nupkg -Destination $installed
        }
        Write-Host "Package test: $how"
        Use-ModulePath -Folder $modules
    }

    It 'its nuspec matches the manifest as PowerShell reads it' {
        $archive = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
        try {
            $entry = $archive.GetEntry('ResyncGlb.nuspec')
            $reader = [System.IO.StreamReader]::new($entry.Open())
            try { [xml]$nuspec = $reader.ReadToEnd() } finally { $reader.Dispose() }
            $names = @($archive.Entries.FullName)
        }
        finally {
            $archive.Dispose()
        }
        $meta = $nuspec.package.metadata
        $meta.id | Should -BeExactly 'ResyncGlb'
        $meta.version | Should -Be $version
        $meta.authors | Should -Be $manifestData.Author
        $meta.description | Should -Be $manifestData.Description
        $meta.copyright | Should -Be $manifestData.Copyright
        $tags = $meta.tags -split ' '
        $tags | Should -Contain 'PSModule'
        foreach ($f in $exported) {
            $tags | Should -Contain "PSFunction_$f"
            $tags | Should -Contain "PSCommand_$f"
        }
        foreach ($t in $manifestData.PrivateData.PSData.Tags) { $tags | Should -Contain $t }
        foreach ($f in $manifestData.FileList) { $names | Should -Contain $f }
        $names | Should -Not -Contain 'bin/meta.json'
    }

    It 'the installed copy passes Test-ModuleManifest (every FileList entry present)' {
        $info = Test-ModuleManifest -Path (Join-Path $installed 'ResyncGlb.psd1') -ErrorAction Stop
        $info.Version.ToString() | Should -Be $version
        foreach ($f in $manifestData.FileList) { Join-Path $installed $f | Should -Exist }
        Join-Path $installed 'ResyncGlb.nuspec' | Should -Not -Exist
        Join-Path $installed 'bin/meta.json' | Should -Not -Exist
    }

    It 'Import-Module ResyncGlb by name loads the installed copy with every public command' {
        $m = Import-Module ResyncGlb -RequiredVersion $version -PassThru -ErrorAction Stop
        $m.ModuleBase | Should -Be ([System.IO.Path]::GetFullPath($installed))
        @($m.ExportedFunctions.Keys | Sort-Object) | Should -Be $exported
        $command = Get-Command New-ResyncGlb -ErrorAction Stop
        $command.Module.ModuleBase | Should -Be $m.ModuleBase
        (Get-Help New-ResyncGlb).Synopsis | Should -Not -BeNullOrEmpty
        (Get-Help about_ResyncGlb | Out-String) | Should -Match 'ResyncGlb'
    }

    It 'the installed module runs its own engine against a lab DSS' {
        $m = Import-Module ResyncGlb -RequiredVersion $version -PassThru -ErrorAction Stop
        $lab = New-TestLab -Requestor PO1
        try {
            $r = New-ResyncGlb -LabPath $lab -Requestor PO1 -Force
            $r.ValueRemoved | Should -BeTrue
            $r.Sha256 | Should -BeExactly (Get-FileHash -LiteralPath $r.Path -Algorithm SHA256).Hash
            (& $m { $script:BundlePath }) | Should -Be (Join-Path $m.ModuleBase 'bin/resync-glb.cjs')
        }
        finally {
            Remove-TestLab -Path $lab
        }
    }

    It 'a fresh pwsh autoloads New-ResyncGlb from PSModulePath without Import-Module' {
        $env:RESYNCGLB_TEST_MISSING_LAB = Join-Path $work 'no-such-lab'
        try {
            $text = & $pwsh -NoProfile -NonInteractive -Command @'
try { New-ResyncGlb -LabPath $env:RESYNCGLB_TEST_MISSING_LAB -Requestor PO1 -Force -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
(Get-Module ResyncGlb).ModuleBase
'@ 2>&1
        }
        finally {
            Remove-Item Env:RESYNCGLB_TEST_MISSING_LAB
        }
        $LASTEXITCODE | Should -Be 0
        $lines = @($text | ForEach-Object { "$_" })
        $lines[0] | Should -Be 'ResyncGlb.LabNotFound,New-ResyncGlb'
        $lines[1] | Should -Be ([System.IO.Path]::GetFullPath($installed))
    }
}

Describe 'npm run package: the zip' -Tag 'Package' {
    BeforeAll {
        $zipModules = Join-Path $work 'ZipModules'
        if (Get-Command Expand-Archive -ErrorAction SilentlyContinue) {
            Expand-Archive -LiteralPath $zipFile -DestinationPath $zipModules
        }
        else {
            [System.IO.Compression.ZipFile]::ExtractToDirectory($zipFile, $zipModules)
        }
        Use-ModulePath -Folder $zipModules
    }

    It 'unzips to ResyncGlb/ and imports by name from that Modules folder' {
        (Get-ChildItem -LiteralPath $zipModules | ForEach-Object Name) -join '|' | Should -BeExactly 'ResyncGlb'
        $m = Import-Module ResyncGlb -PassThru -ErrorAction Stop
        $m.ModuleBase | Should -Be ([System.IO.Path]::GetFullPath((Join-Path $zipModules 'ResyncGlb')))
        $m.Version.ToString() | Should -Be $version
        @($m.ExportedFunctions.Keys | Sort-Object) | Should -Be $exported
        { Test-ModuleManifest -Path (Join-Path $m.ModuleBase 'ResyncGlb.psd1') -ErrorAction Stop } | Should -Not -Throw
    }
}
