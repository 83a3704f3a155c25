# Installs a PFX built by pfx-writer.ts: the leaf with its private key into the target store and
# the intermediate CA certificates into CA of the same location. Self-signed certificates without
# a key (roots) are never installed. Nothing is imported or written when the leaf is already there
# with a usable key and every intermediate is in CA.
#
# Request: { location, storeName, thumbprint, intermediateThumbprints, pfxBase64, keyExportable }
# Result:  { ok, thumbprint, changed, paths, added }
. (Join-Path $PSScriptRoot 'store-common.ps1')

function Install-Certificate($Request) {
    Assert-RequestField $Request @('location', 'storeName', 'thumbprint', 'pfxBase64')
    $location = Get-StoreLocation $Request.location
    $thumbprint = Assert-Thumbprint $Request.thumbprint
    $intermediates = @(ConvertTo-ThumbprintList $Request.intermediateThumbprints)

    $leafPresent = Test-LeafPresent $Request.storeName $location $thumbprint
    $missingIntermediates = @(Get-MissingThumbprint 'CA' $location $intermediates)
    if ($leafPresent -and $missingIntermediates.Count -eq 0) {
        return New-InstallResult $Request $thumbprint $intermediates @()
    }

    $flags = Get-KeyStorageFlag $location ([bool]$Request.keyExportable) (-not $leafPresent)
    $certificates = Import-Pfx $Request.pfxBase64 $flags
    try {
        $added = @(Add-Bundle $Request.storeName $location $certificates $thumbprint $leafPresent)
        Confirm-Installation $Request.storeName $location $thumbprint $certificates $leafPresent
        return New-InstallResult $Request $thumbprint $intermediates $added
    }
    finally {
        # Without PersistKeySet (leaf already present) this deletes the temporary key container.
        foreach ($certificate in $certificates) { $certificate.Dispose() }
    }
}

function ConvertTo-ThumbprintList($Values) {
    if ($null -eq $Values) { return }
    foreach ($value in $Values) { Assert-Thumbprint $value }
}

function Test-LeafPresent([string]$StoreName, $Location, [string]$Thumbprint) {
    $store = Open-Store $StoreName $Location 'ReadWrite'
    try {
        $existing = Find-Certificate $store $Thumbprint
        return ($null -ne $existing) -and ($null -eq (Get-PrivateKeyProblem $existing))
    }
    finally { $store.Close() }
}

function Get-MissingThumbprint([string]$StoreName, $Location, [string[]]$Thumbprints) {
    if ($Thumbprints.Count -eq 0) { return }
    $store = Open-Store $StoreName $Location 'ReadWrite'
    try {
        foreach ($thumbprint in $Thumbprints) {
            if ($null -eq (Find-Certificate $store $thumbprint)) { $thumbprint }
        }
    }
    finally { $store.Close() }
}

# MachineKeySet for LocalMachine, UserKeySet for CurrentUser; PersistKeySet whenever the leaf
# will be added, because without it the key file is deleted when the object is disposed.
function Get-KeyStorageFlag($Location, [bool]$Exportable, [bool]$Persist) {
    $names = New-Object System.Collections.Generic.List[string]
    if ($Location -eq [System.Security.Cryptography.X509Certificates.StoreLocation]::LocalMachine) { $names.Add('MachineKeySet') }
    else { $names.Add('UserKeySet') }
    if ($Persist) { $names.Add('PersistKeySet') }
    if ($Exportable) { $names.Add('Exportable') }
    return [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]($names -join ', ')
}

function Import-Pfx([string]$PfxBase64, $Flags) {
    try { $bytes = [Convert]::FromBase64String($PfxBase64) }
    catch { throw (New-StoreFailure $script:ExitCode.InvalidRequest 'pfxBase64 is not valid base64') }

    $certificates = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2Collection
    $certificates.Import($bytes, '', $Flags)
    return , $certificates
}

function Select-Leaf($Certificates, [string]$Thumbprint) {
    $withKey = @($Certificates | Where-Object { $_.HasPrivateKey })
    if ($withKey.Count -ne 1) {
        throw (New-StoreFailure $script:ExitCode.Import "the PFX has $($withKey.Count) certificates with a private key, expected 1")
    }
    if ($withKey[0].Thumbprint -ne $Thumbprint) {
        throw (New-StoreFailure $script:ExitCode.Import "the PFX leaf is $($withKey[0].Thumbprint), expected $Thumbprint")
    }
    return $withKey[0]
}

# Certificates without a key that are not self-signed. A self-signed one is a root: the machine's
# owner decides which roots to trust, so it is skipped.
function Select-Intermediate($Certificates) {
    foreach ($certificate in $Certificates) {
        if ($certificate.HasPrivateKey) { continue }
        if ($certificate.Subject -eq $certificate.Issuer) { continue }
        $certificate
    }
}

# Adds what is missing and returns the thumbprints it added.
function Add-Bundle([string]$StoreName, $Location, $Certificates, [string]$Thumbprint, [bool]$LeafPresent) {
    if (-not $LeafPresent) {
        Add-Certificate $StoreName $Location (Select-Leaf $Certificates $Thumbprint)
        $Thumbprint
    }
    foreach ($intermediate in @(Select-Intermediate $Certificates)) {
        $missing = @(Get-MissingThumbprint 'CA' $Location @($intermediate.Thumbprint))
        if ($missing.Count -eq 0) { continue }
        Add-Certificate 'CA' $Location $intermediate
        $intermediate.Thumbprint
    }
}

function Add-Certificate([string]$StoreName, $Location, $Certificate) {
    $store = Open-Store $StoreName $Location 'ReadWrite'
    try { $store.Add($Certificate) }
    finally { $store.Close() }
}

# Re-opens the stores as a reader would. A leaf added by this run that fails the check is removed
# again, so no certificate without a usable key is left behind.
function Confirm-Installation([string]$StoreName, $Location, [string]$Thumbprint, $Certificates, [bool]$LeafPresent) {
    $problem = Get-InstalledLeafProblem $StoreName $Location $Thumbprint
    if ($null -ne $problem) {
        if (-not $LeafPresent) { Remove-Certificate $StoreName $Location $Thumbprint }
        throw (New-StoreFailure $script:ExitCode.Verify "certificate $Thumbprint failed the check after install: $problem")
    }
    $expected = @(Select-Intermediate $Certificates | ForEach-Object { $_.Thumbprint })
    $missing = @(Get-MissingThumbprint 'CA' $Location $expected)
    if ($missing.Count -gt 0) {
        throw (New-StoreFailure $script:ExitCode.Verify ("intermediate certificates missing from CA after install: " + ($missing -join ', ')))
    }
}

function Get-InstalledLeafProblem([string]$StoreName, $Location, [string]$Thumbprint) {
    $store = Open-Store $StoreName $Location 'ReadOnly'
    try {
        $installed = Find-Certificate $store $Thumbprint
        if ($null -eq $installed) { return "it is not in store $StoreName" }
        return Get-PrivateKeyProblem $installed
    }
    finally { $store.Close() }
}

function Remove-Certificate([string]$StoreName, $Location, [string]$Thumbprint) {
    $store = Open-Store $StoreName $Location 'ReadWrite'
    try {
        $installed = Find-Certificate $store $Thumbprint
        if ($null -ne $installed) { $store.Remove($installed) }
    }
    finally { $store.Close() }
}

function New-InstallResult($Request, [string]$Thumbprint, [string[]]$Intermediates, [string[]]$Added) {
    $paths = New-Object System.Collections.Generic.List[string]
    $paths.Add((Get-StoreEntryPath $Request.location $Request.storeName $Thumbprint))
    foreach ($intermediate in $Intermediates) { $paths.Add((Get-StoreEntryPath $Request.location 'CA' $intermediate)) }
    return @{ thumbprint = $Thumbprint; changed = ($Added.Count -gt 0); paths = $paths.ToArray(); added = $Added }
}

Invoke-StoreRequest ${function:Install-Certificate} $script:ExitCode.Import
