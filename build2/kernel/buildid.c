const unsigned int kernel_build_id = 227068815u;
